// A whole client session: the agent's Session (hello first, the HTTP check, authorization, method
// dispatch, subscriptions, half-close) behind a real LineConnection and AgentServer, fed a byte
// stream as one client would send it. No socket, no systemd, no state on disk: the stream is in
// memory, and the methods that read the system (status, generations, units, jobs, verify) are
// stand-ins that decode their real params and answer a typed result or a typed error later, as
// the real ones do from their worker threads. subscribe/unsubscribe are the real methods.
//
// Input: the first byte picks the client, the rest is what it sends.
//   bit 0     a valid handshake goes first (hello; on TCP also auth with the right proof, the
//             agent's nonce being fixed here), so sequences after it are reached at once
//   bits 1-2  the peer: 0, 1 root on the Unix socket; 2 another uid (read-only); 3 TCP (token)
//   bits 3-5  the size of each read: 1, 2, 7, 64, 512, 4096, or the whole rest at once
// Lines longer than 4096 bytes are "too large" here (the agent's 1 MiB limit, made reachable),
// and during the handshake lines longer than 1024 (its 16 KiB limit).
//
// Oracles, from a model of docs/protocol.md's "Connection lifecycle" written here:
// * every line sent back is one JSON-RPC 2.0 response (jsonrpc, an id that is an integer, a
//   string or null, exactly one of result and error, an error with an integer code and a string
//   message) or an `event` notification of a topic the client subscribed to;
// * before hello, the first line decides: hello is answered and the session goes on; anything
//   else gets one error (HTTP -32600, not JSON -32700, not a valid request -32600, hello with bad
//   params -32602, on TCP a protocol-1 hello -32600 or a hello without a valid nonce -32602) and
//   the connection closes;
// * on TCP, the line after hello decides the same way: auth with the right proof is answered and
//   the session goes on; a wrong proof or any other request gets -32001, bad auth params -32602,
//   anything else as before hello, and the connection closes;
// * after the handshake, every request gets exactly one response with its id (unknown methods
//   -32601, a read-only peer calling a mutating or confidential method -32001, auth -32600), a
//   line that is not JSON gets -32700 with id null, and only a line over the limit closes the
//   connection (-32004, id null, last line); requests still in flight then may go unanswered,
//   never answered twice;
// * the client half-closes at the end of its input: every request already read is answered, then
//   the agent closes, the session is gone from the server, and nothing is left to run.
#include "fuzz_oracle.hpp"
#include "methods/method_families.hpp"
#include "nixtray/crypto/token_proof.hpp"
#include "nixtray/net/asio.hpp"
#include "nixtray/net/byte_stream.hpp"
#include "nixtray/protocol/envelope.hpp"
#include "nixtray/protocol/methods.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "nixtray/protocol/wire_text.hpp"
#include "server/agent_server.hpp"
#include "server/session.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace nixtray;
using namespace nixtray::protocol;
using nixtray::fuzz::require;
namespace asio = nixtray::net::asio;

namespace {

constexpr std::size_t max_line_bytes = 4096;
constexpr std::size_t handshake_max_line_bytes = 1024;
constexpr std::string_view token = "fuzz-token-0123456789abcdef";
// Fixed here so that a valid handshake can be part of the input.
const std::string client_nonce(64, 'c');
const std::string agent_nonce(64, 'a');

// The client's side of the connection, in memory: reads hand out the input in fixed steps (each
// one after a turn of the executor, so replies interleave with reading as on a socket), then end
// of input (a half-close); writes collect what the agent sends.
class MemoryStream final : public net::ByteStream {
 public:
  MemoryStream(asio::any_io_executor executor, std::string input, std::size_t step, std::string& output)
      : executor_(std::move(executor)), input_(std::move(input)), step_(step), output_(output) {}

  asio::awaitable<std::pair<net::error_code, std::size_t>> read_some(asio::mutable_buffer buffer) override {
    auto turn = asio::post(executor_, asio::use_awaitable);
    co_await std::move(turn);
    if (closed_) co_return std::pair{net::error_code(asio::error::operation_aborted), std::size_t{0}};
    if (offset_ == input_.size()) co_return std::pair{net::error_code(asio::error::eof), std::size_t{0}};
    const auto n = std::min({buffer.size(), step_, input_.size() - offset_});
    std::copy_n(input_.data() + offset_, n, static_cast<char*>(buffer.data()));
    offset_ += n;
    co_return std::pair{net::error_code(), n};
  }
  asio::awaitable<std::pair<net::error_code, std::size_t>> write_all(
      const std::vector<asio::const_buffer>& buffers) override {
    if (closed_) co_return std::pair{net::error_code(asio::error::broken_pipe), std::size_t{0}};
    std::size_t n = 0;
    for (const auto& b : buffers) {
      output_.append(static_cast<const char*>(b.data()), b.size());
      n += b.size();
    }
    co_return std::pair{net::error_code(), n};
  }
  void close() override { closed_ = true; }
  asio::any_io_executor get_executor() override { return executor_; }
  [[nodiscard]] std::string describe() const override { return "fuzz"; }

 private:
  asio::any_io_executor executor_;
  std::string input_;
  std::size_t offset_ = 0;
  std::size_t step_;
  std::string& output_;
  bool closed_ = false;
};

// Stand-ins for the methods that read the system: the registry decodes the real params (so
// invalid params are the agent's own -32602), then the answer comes a turn of the executor later.
// jobs.start also publishes to `jobs` and `log:1`, so events reach subscribed sessions.
template <MethodDescription M>
void add_stand_in(agent::MethodRegistry& registry, agent::AgentServer& server) {
  registry.add<M>([server = &server](agent::CallContext, typename M::Params) -> asio::awaitable<typename M::Result> {
    (void)server;  // only jobs.start publishes
    auto executor = co_await asio::this_coro::executor;
    auto turn = asio::post(executor, asio::use_awaitable);
    co_await std::move(turn);
    if constexpr (M::name == JobsStartMethod::name) {
      server->publish("jobs", json{{"id", "1"}});
      server->publish("log:1", json{{"from", 0}, {"lines", json::array({"building"})}});
    }
    if constexpr (M::name == JobsGetMethod::name || M::name == JobsCancelMethod::name) {
      throw RpcException(ErrorCode::not_found, "no job with this id");
    }
    co_return typename M::Result{};
  });
}

template <MethodDescription... M>
struct MethodList {};
using StandIns =
    MethodList<StatusMethod, UnitsListMethod, UnitsLogMethod, GenerationsListMethod, GenerationsDiffMethod,
               GenerationsMarkGoodMethod, VerifyPreflightMethod, VerifyRecordMethod, VerifyGetMethod, JobsStartMethod,
               JobsListMethod, JobsGetMethod, JobsLogMethod, JobsCancelMethod, SpaceMethod>;

template <MethodDescription... M>
void add_stand_ins(MethodList<M...>, agent::MethodRegistry& registry, agent::AgentServer& server) {
  // hello and auth are the session's own, subscribe and unsubscribe are real: the rest of all_methods.
  static_assert(sizeof...(M) + 4 == all_methods.size(), "a new method: add a stand-in");
  (add_stand_in<M>(registry, server), ...);
}

template <MethodDescription... M>
bool needs_authorization_of(MethodList<M...>, std::string_view method) {
  return ((method == M::name && needs_authorization<M>()) || ...);
}
bool needs_authorization(std::string_view method) { return needs_authorization_of(StandIns{}, method); }

bool is_known(std::string_view method) {
  return std::find(all_methods.begin(), all_methods.end(), method) != all_methods.end();
}

// What the model expects for one request id: a specific error code, or any answer (0).
struct Expectations {
  std::map<std::string, std::multiset<int>> by_id;  // id (as JSON) -> expected codes
  std::optional<int> closing_error;                 // the error that ends the connection
  bool may_lose_in_flight = false;                  // closed after hello: in-flight requests
  bool subscribed = false;
};

void expect(Expectations& model, const json& id, int code) { model.by_id[id.dump()].insert(code); }

// The model: what docs/protocol.md says the agent answers to each line, in order.
Expectations model_of(std::string_view stream, bool tcp, bool authorized) {
  Expectations model;
  enum class Stage { hello, auth, ready } stage = Stage::hello;
  std::string hello_nonce;  // TCP: the client nonce the agent's proof and the expected auth are over
  auto close_with = [&model](const json& id, ErrorCode code) {
    model.closing_error = static_cast<int>(code);
    expect(model, id, *model.closing_error);
  };
  std::size_t start = 0;
  while (start < stream.size()) {
    const auto newline = stream.find('\n', start);
    const auto length = (newline == std::string_view::npos ? stream.size() : newline) - start;
    if (length > (stage == Stage::ready ? max_line_bytes : handshake_max_line_bytes)) {
      model.may_lose_in_flight = stage == Stage::ready;
      close_with(nullptr, ErrorCode::message_too_large);
      return model;
    }
    if (newline == std::string_view::npos) break;  // an unfinished last line is never read
    std::string line(stream.substr(start, length));
    start = newline + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;

    if (stage == Stage::hello && looks_like_http(line)) {
      close_with(nullptr, ErrorCode::invalid_request);
      return model;
    }
    auto parsed = parse_line(std::move(line));
    if (!parsed.value) {
      if (stage != Stage::ready) {
        close_with(nullptr, ErrorCode::parse_error);
        return model;
      }
      expect(model, nullptr, static_cast<int>(ErrorCode::parse_error));
      continue;
    }
    const auto classified = classify_message(*parsed.value);
    const auto* request = classified.message ? std::get_if<Request>(&*classified.message) : nullptr;
    if (!classified.message) {
      if (stage != Stage::ready) {
        close_with(classified.id, ErrorCode::invalid_request);
        return model;
      }
      expect(model, classified.id, static_cast<int>(ErrorCode::invalid_request));
      continue;
    }
    if (!request) {  // a notification or a response from the client: ignored after the handshake
      if (stage != Stage::ready) {
        close_with(nullptr, ErrorCode::invalid_request);
        return model;
      }
      continue;
    }
    if (request->method == HelloMethod::name) {
      if (stage == Stage::auth) {
        close_with(request->id, ErrorCode::invalid_request);
        return model;
      }
      if (stage == Stage::ready) {
        expect(model, request->id, static_cast<int>(ErrorCode::invalid_request));
        continue;
      }
      std::optional<HelloParams> params;
      try {
        params = request->params.get<HelloParams>();
      } catch (const std::exception&) {
      }
      if (!params) {
        close_with(request->id, ErrorCode::invalid_params);
        return model;
      }
      if (tcp && params->protocol < 2) {
        close_with(request->id, ErrorCode::invalid_request);
        return model;
      }
      if (tcp && !(params->nonce && crypto::is_nonce(*params->nonce))) {
        close_with(request->id, ErrorCode::invalid_params);
        return model;
      }
      stage = tcp ? Stage::auth : Stage::ready;
      hello_nonce = params->nonce.value_or("");
      expect(model, request->id, 0);
      continue;
    }
    if (stage == Stage::hello) {
      close_with(request->id, ErrorCode::invalid_request);
      return model;
    }
    if (request->method == AuthMethod::name) {
      if (stage == Stage::ready) {
        expect(model, request->id, static_cast<int>(ErrorCode::invalid_request));
        continue;
      }
      std::optional<AuthParams> params;
      try {
        params = request->params.get<AuthParams>();
      } catch (const std::exception&) {
      }
      if (!params) {
        close_with(request->id, ErrorCode::invalid_params);
        return model;
      }
      // The agent's nonce is fixed here; the client's is the hello's.
      if (params->proof != crypto::client_proof(token, agent_nonce, hello_nonce)) {
        close_with(request->id, ErrorCode::unauthorized);
        return model;
      }
      stage = Stage::ready;
      expect(model, request->id, 0);
      continue;
    }
    if (stage == Stage::auth) {
      close_with(request->id, ErrorCode::unauthorized);
      return model;
    }
    if (!is_known(request->method)) {
      expect(model, request->id, static_cast<int>(ErrorCode::method_not_found));
    } else if (needs_authorization(request->method) && !authorized && !tcp) {
      expect(model, request->id, static_cast<int>(ErrorCode::unauthorized));
    } else {
      model.subscribed = model.subscribed || request->method == SubscribeMethod::name;
      expect(model, request->id, 0);
    }
  }
  return model;
}

// One line the agent sent: a valid response (returns its id and code, 0 for a result) or an event.
std::optional<std::pair<json, int>> check_sent_line(const std::string& line, const Expectations& model) {
  const auto value = json::parse(line, nullptr, false);
  require(!value.is_discarded(), "the agent sent a line that is not JSON");
  require(value.is_object(), "the agent sent a JSON value that is not an object");
  require(value.value("jsonrpc", json()) == "2.0", "the agent sent a message without \"jsonrpc\":\"2.0\"");
  if (value.contains("method")) {
    require(value.at("method") == event_method && !value.contains("id"), "the agent sent a request");
    const auto& params = value.value("params", json());
    require(params.is_object() && params.contains("topic") && params.at("topic").is_string() && params.contains("data"),
            "an event without topic and data");
    require(model.subscribed, "an event reached a client that never subscribed");
    return std::nullopt;
  }
  require(value.contains("id"), "a response without id");
  const auto& id = value.at("id");
  require(id.is_null() || id.is_string() || id.is_number_integer(),
          "a response id that is not an integer, string or null");
  require(value.contains("result") != value.contains("error"), "a response needs exactly one of result and error");
  if (value.contains("result")) return std::pair{id, 0};
  const auto& error = value.at("error");
  require(error.is_object() && error.contains("code") && error.at("code").is_number_integer() &&
              error.contains("message") && error.at("message").is_string(),
          "an error without an integer code and a string message");
  const int code = error.at("code").get<int>();
  require(code != 0, "an error with code 0");
  return std::pair{id, code};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto mode = data[0];
  static constexpr std::size_t steps[] = {1, 2, 7, 64, 512, 4096, max_line_bytes * 4, max_line_bytes * 4};
  const bool hello_first = (mode & 1) != 0;
  const int peer_kind = (mode >> 1) & 3;
  const std::size_t step = steps[(mode >> 3) & 7];
  const bool tcp = peer_kind == 3;
  const bool authorized = peer_kind <= 1;

  std::string stream;
  if (hello_first && tcp) {
    stream = R"({"jsonrpc":"2.0","id":"hello","method":"hello","params":{"client":"fuzz","protocol":2,"nonce":")" +
             client_nonce + "\"}}\n" + R"({"jsonrpc":"2.0","id":"auth","method":"auth","params":{"proof":")" +
             crypto::client_proof(token, agent_nonce, client_nonce) + "\"}}\n";
  } else if (hello_first) {
    // Protocol 1 on the Unix socket: older clients keep working there.
    stream = R"({"jsonrpc":"2.0","id":"hello","method":"hello","params":{"client":"fuzz","protocol":1}})"
             "\n";
  }
  stream.append(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto model = model_of(stream, tcp, authorized);

  std::string output;
  {
    asio::io_context io;
    agent::ServerOptions options;
    options.agent_version = "fuzz";
    options.limits.max_line_bytes = max_line_bytes;
    options.limits.read_chunk_bytes = max_line_bytes * 4;
    options.handshake_max_line_bytes = handshake_max_line_bytes;
    options.new_nonce = [] { return agent_nonce; };
    if (tcp) options.token = std::string(token);
    agent::MethodRegistry methods;
    agent::AgentServer server(io, options, methods);
    agent::register_subscription_methods(methods, server);
    add_stand_ins(StandIns{}, methods, server);
    server.set_topic_hooks(
        {[](const std::string& topic) {
           if (job_id_of_log_topic(topic) && topic != "log:1") {
             throw RpcException(ErrorCode::not_found, "no job " + topic);
           }
         },
         [](const std::shared_ptr<agent::Session>& session, const std::string& topic) {
           if (topic == "log:1") {
             session->send_line(agent::AgentServer::event_line(topic, json{{"from", 0}, {"lines", json::array()}}));
           }
         }});

    agent::PeerIdentity peer;
    peer.transport = tcp ? agent::Transport::tcp : agent::Transport::unix_socket;
    if (!tcp) {
      peer.uid = authorized ? 0 : 1000;
      peer.gid = peer.uid;
      peer.authorized = authorized;
    } else {
      peer.address = "127.0.0.1:40000";
    }
    server.admit(std::make_unique<MemoryStream>(io.get_executor(), stream, step, output), std::move(peer));
    io.run();  // returns once nothing is left: the session has ended, no handler is pending
    require(server.session_count() == 0, "the session is still open after the client's input ended");
  }

  static const bool trace = std::getenv("NIXTRAY_FUZZ_TRACE") != nullptr;  // to read one input's session
  if (trace)
    std::fprintf(stderr, "--- sent by the client:\n%s\n--- sent by the agent:\n%s", stream.c_str(), output.c_str());
  require(output.empty() || output.back() == '\n', "the agent sent an unfinished line");
  std::map<std::string, std::multiset<int>> answered;
  std::optional<int> last_code;
  std::size_t start = 0;
  while (start < output.size()) {
    const auto newline = output.find('\n', start);
    const auto sent = check_sent_line(output.substr(start, newline - start), model);
    start = newline + 1;
    if (sent) {
      answered[sent->first.dump()].insert(sent->second);
      last_code = sent->second;
    }
  }

  if (model.closing_error) {
    require(last_code == model.closing_error, "the connection did not end with the error that closes it");
  }
  for (const auto& [id, codes] : answered) {
    const auto expected = model.by_id.find(id);
    if (expected == model.by_id.end()) {
      std::fprintf(stderr, "id %s\n", id.c_str());
      require(false, "a response to an id the client never sent (or never got to send)");
    }
    if (codes.size() > expected->second.size()) {
      std::fprintf(stderr, "id %s: %zu responses, %zu expected\n", id.c_str(), codes.size(), expected->second.size());
      require(false, "a request was answered more than once");
    }
  }
  for (const auto& [id, codes] : model.by_id) {
    const auto got = answered.find(id);
    const std::multiset<int> none;
    const auto& actual = got == answered.end() ? none : got->second;
    if (!model.may_lose_in_flight && actual.size() != codes.size()) {
      std::fprintf(stderr, "id %s: %zu responses, %zu expected\n", id.c_str(), actual.size(), codes.size());
      require(false, "a request was not answered exactly once");
    }
    // Every specific error the model names is among the answers to that id (when all arrived).
    if (actual.size() == codes.size()) {
      for (const int code : codes) {
        if (code != 0 && actual.count(code) < codes.count(code)) {
          std::fprintf(stderr, "id %s: expected error %d\n", id.c_str(), code);
          require(false, "a request got another answer than the protocol documents");
        }
      }
    }
  }
  return 0;
}
