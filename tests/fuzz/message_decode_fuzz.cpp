// One received line through the agent's receive path (HTTP check, UTF-8 repair, depth limit,
// parse, classify_message), then every typed value it holds through decode -> encode -> decode:
// the two encodings must be equal JSON. Decoding may refuse a value (RpcException, json
// exceptions: what a client gets as invalid_params); it must never accept a value whose own
// encoding it then refuses or reads differently.
#include "fuzz_oracle.hpp"
#include "nixtray/protocol/envelope.hpp"
#include "nixtray/protocol/methods.hpp"
#include "nixtray/protocol/wire_text.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <variant>

using namespace nixtray::protocol;
using nixtray::fuzz::require;

namespace {

template <class T>
void check_round_trip(const json& value) {
  T first;
  try {
    first = value.get<T>();
  } catch (const RpcException&) {
    return;
  } catch (const json::exception&) {
    return;
  }
  const json once = first;
  T second;
  try {
    second = once.get<T>();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "re-decoding %s failed: %s\n", once.dump().c_str(), e.what());
    require(false, "a decoded value does not decode again after encoding");
  }
  const json twice = second;
  if (once != twice) {
    std::fprintf(stderr, "first:  %s\nsecond: %s\n", once.dump().c_str(), twice.dump().c_str());
  }
  require(once == twice, "decode -> encode -> decode changed the value");
}

template <MethodDescription M>
bool check_params_of(const std::string& method, const json& params) {
  if (method != M::name) return false;
  check_round_trip<typename M::Params>(params);
  return true;
}

template <MethodDescription... M>
struct MethodList {};
// The methods of methods.hpp's all_methods, as types.
using AllMethods =
    MethodList<HelloMethod, AuthMethod, StatusMethod, UnitsListMethod, UnitsLogMethod, GenerationsListMethod,
               GenerationsDiffMethod, GenerationsMarkGoodMethod, VerifyPreflightMethod, VerifyRecordMethod,
               VerifyGetMethod, JobsStartMethod, JobsListMethod, JobsGetMethod, JobsLogMethod, JobsCancelMethod,
               SubscribeMethod, UnsubscribeMethod, SpaceMethod>;

template <MethodDescription... M>
void check_params(MethodList<M...>, const std::string& method, const json& params) {
  static_assert(sizeof...(M) == all_methods.size(), "a new method: add it to AllMethods too");
  (check_params_of<M>(method, params) || ...);
}

// A response does not name its method: the client knows it from the id. Try every result type.
template <MethodDescription... M>
void check_results(MethodList<M...>, const json& result) {
  (check_round_trip<typename M::Result>(result), ...);
}

void check_event(const json& params) {
  check_round_trip<Event>(params);
  Event event;
  try {
    event = params.get<Event>();
  } catch (const std::exception&) {
    return;
  }
  if (event.topic == "status") check_round_trip<Status>(event.data);
  if (event.topic == "units") check_round_trip<UnitsChanged>(event.data);
  if (event.topic == "generations") check_round_trip<GenerationsList>(event.data);
  if (event.topic == "jobs") check_round_trip<Job>(event.data);
  if (event.topic == "space") check_round_trip<SpaceReport>(event.data);
  if (job_id_of_log_topic(event.topic)) check_round_trip<LogChunk>(event.data);
}

// The envelope itself: what classify_message accepted encodes to something it accepts again
// as the same message.
void check_envelope(const Message& message) {
  const json encoded = std::visit([](const auto& m) { return encode(m); }, message);
  const auto again = classify_message(encoded);
  require(again.message.has_value(), "an encoded message is not accepted again");
  const json reencoded = std::visit([](const auto& m) { return encode(m); }, *again.message);
  require(encoded == reencoded, "encode -> classify -> encode changed the envelope");
  // What goes on the wire must be one line that parses back to the same value.
  const auto line = encode_compact(encoded);
  require(line.find('\n') == std::string::npos, "an encoded message spans lines");
  const auto parsed = parse_line(line);
  require(parsed.value.has_value(), "an encoded message does not parse");
  require(*parsed.value == encoded, "an encoded message parses to another value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  (void)looks_like_http(line);  // the agent asks before hello
  const auto parsed = parse_line(std::move(line));
  if (!parsed.value) {
    require(parsed.error.has_value() && parsed.error->is(ErrorCode::parse_error), "a refused line without parse_error");
    return 0;
  }
  const auto classified = classify_message(*parsed.value);
  if (!classified.message) {
    require(classified.error.has_value(), "a refused message without an error");
    (void)encode_compact(encode(make_error(classified.id, *classified.error)));  // the reply the agent sends
    return 0;
  }
  check_envelope(*classified.message);
  if (const auto* request = std::get_if<Request>(&*classified.message)) {
    check_params(AllMethods{}, request->method, request->params);
  } else if (const auto* notification = std::get_if<Notification>(&*classified.message)) {
    if (notification->method == event_method) check_event(notification->params);
  } else if (const auto* response = std::get_if<Response>(&*classified.message)) {
    if (response->result) check_results(AllMethods{}, *response->result);
    if (response->error) check_round_trip<RpcError>(parsed.value->at("error"));
  }
  return 0;
}
