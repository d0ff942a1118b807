// Every golden message of tests/data/protocol round-trips through the C++ types: decode into the
// type, encode again, compare as JSON values. Both the agent and the tray decode with these types.
#include "catch.hpp"
#include "nixtray/protocol/envelope.hpp"
#include "nixtray/protocol/methods.hpp"
#include "nixtray/protocol/wire_text.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

using namespace nixtray::protocol;
namespace fs = std::filesystem;

namespace {

using Codec = std::function<json(const json&)>;

template <class T>
Codec codec() {
  return [](const json& value) { return json(value.get<T>()); };
}

struct MethodCodecs {
  Codec params;
  Codec result;
};

template <MethodDescription M>
std::pair<std::string, MethodCodecs> method() {
  return {std::string(M::name), {codec<typename M::Params>(), codec<typename M::Result>()}};
}

const std::map<std::string, MethodCodecs>& methods() {
  static const std::map<std::string, MethodCodecs> table = {
      method<HelloMethod>(),  // the handshake
      method<AuthMethod>(),
      method<StatusMethod>(),
      method<UnitsListMethod>(),
      method<UnitsLogMethod>(),
      method<GenerationsListMethod>(),
      method<GenerationsDiffMethod>(),
      method<GenerationsMarkGoodMethod>(),
      method<VerifyPreflightMethod>(),
      method<VerifyRecordMethod>(),
      method<VerifyGetMethod>(),
      method<JobsStartMethod>(),
      method<JobsListMethod>(),
      method<JobsGetMethod>(),
      method<JobsLogMethod>(),
      method<JobsCancelMethod>(),
      method<SubscribeMethod>(),
      method<UnsubscribeMethod>(),
      method<SpaceMethod>(),
  };
  return table;
}

Codec topic_codec(const std::string& topic) {
  if (topic == "status") return codec<Status>();
  if (topic == "units") return codec<UnitsChanged>();
  if (topic == "generations") return codec<GenerationsList>();
  if (topic == "jobs") return codec<Job>();
  if (topic == "space") return codec<SpaceReport>();
  if (job_id_of_log_topic(topic)) return codec<LogChunk>();
  FAIL("no type for topic " << topic);
  return {};
}

json read_json(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  // The wire form: one compact line through the same receive path as the agent's.
  auto parsed = parse_line(encode_compact(json::parse(text.str())));
  REQUIRE(parsed.value);
  return *parsed.value;
}

// For `defaults` variants the decoder fills in defaults: the original must be contained in the
// re-encoded value, and that value must then be stable.
void check_round_trip(const Codec& codec, const json& original, bool defaults_variant) {
  const auto encoded = codec(original);
  if (!defaults_variant) {
    CHECK(encoded == original);
    return;
  }
  for (const auto& [key, value] : original.items()) {
    CHECK(encoded.at(key) == value);
  }
  CHECK(codec(encoded) == encoded);
}

std::vector<std::string> split_name(const std::string& file_name) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(file_name.substr(0, file_name.size() - 5));  // drop .json
  while (std::getline(in, part, '.')) parts.push_back(part);
  return parts;
}

}  // namespace

TEST_CASE("every golden message round-trips through the protocol types") {
  std::set<std::string> requests_seen;
  std::set<std::string> results_seen;
  std::set<std::string> topics_seen;
  std::set<int> errors_seen;
  int files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(NIXTRAY_TEST_DATA_DIR) / "protocol")) {
    const auto name = entry.path().filename().string();
    if (entry.path().extension() != ".json") continue;
    INFO(name);
    ++files;
    const auto message = read_json(entry.path());
    const auto classified = classify_message(message);
    REQUIRE(classified.message);
    const auto parts = split_name(name);
    const bool defaults_variant = parts.back() == "defaults";

    if (parts[0] == "event") {
      const auto& notification = std::get<Notification>(*classified.message);
      CHECK(notification.method == "event");
      check_round_trip(codec<Event>(), notification.params, false);
      const auto event = notification.params.get<Event>();
      const bool log = parts[1] == "log";
      CHECK((log ? job_id_of_log_topic(event.topic).has_value() : event.topic == parts[1]));
      check_round_trip(topic_codec(event.topic), event.data, false);
      topics_seen.insert(log ? "log" : event.topic);
    } else if (parts[0] == "error") {
      const auto& response = std::get<Response>(*classified.message);
      REQUIRE(response.error);
      check_round_trip(codec<RpcError>(), message.at("error"), false);
      errors_seen.insert(response.error->code);
      CHECK(encode(response) == message);
    } else {
      // <method with dots>.request|result[.variant]
      const auto kind_at =
          std::find_if(parts.begin(), parts.end(), [](const auto& p) { return p == "request" || p == "result"; });
      REQUIRE(kind_at != parts.end());
      std::string method_name;
      for (auto it = parts.begin(); it != kind_at; ++it) method_name += (method_name.empty() ? "" : ".") + *it;
      const auto codecs = methods().find(method_name);
      REQUIRE(codecs != methods().end());
      if (*kind_at == "request") {
        const auto& request = std::get<Request>(*classified.message);
        CHECK(request.method == method_name);
        check_round_trip(codecs->second.params, request.params, defaults_variant);
        requests_seen.insert(method_name);
      } else {
        const auto& response = std::get<Response>(*classified.message);
        REQUIRE(response.result);
        check_round_trip(codecs->second.result, *response.result, false);
        CHECK(encode(response) == message);
        results_seen.insert(method_name);
      }
    }
  }
  CHECK(files >= 70);
  for (const auto& [name, codecs] : methods()) {
    INFO(name);
    CHECK(requests_seen.count(name) == 1);
    CHECK(results_seen.count(name) == 1);
  }
  CHECK(topics_seen == std::set<std::string>{"status", "units", "generations", "jobs", "space", "log"});
  CHECK(errors_seen ==
        std::set<int>{-32700, -32600, -32601, -32602, -32603, -32001, -32002, -32003, -32004, -32005, -32006});
}

TEST_CASE("the method list of the protocol is the one the golden files cover") {
  CHECK(methods().size() == all_methods.size());
  for (const auto name : all_methods) {
    CHECK(methods().count(std::string(name)) == 1);
  }
}
