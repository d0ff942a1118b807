#include "cli/agent_client.hpp"

#include "cli/exit_codes.hpp"
#include "nixtray/net/agent_handshake.hpp"
#include "nixtray/version.hpp"

#include <unistd.h>

namespace nixtray::agent {

namespace asio = net::asio;

int exit_code_for(const protocol::RpcError& error) {
  using protocol::ErrorCode;
  using protocol::LocalErrorCode;
  if (error.is(ErrorCode::unauthorized)) return exit_unauthorized;
  if (error.is(ErrorCode::busy)) return exit_busy;
  if (error.code == static_cast<int>(LocalErrorCode::timeout) ||
      error.code == static_cast<int>(LocalErrorCode::disconnected)) {
    return exit_unreachable;
  }
  return exit_failed;
}

void AgentClient::fail(const protocol::RpcError& error) { throw CommandFailure(exit_code_for(error), error.message); }

namespace {

// Runs the loop until the coroutine has produced its value.
template <class T>
T run_until_done(asio::io_context& io, asio::awaitable<T> work) {
  std::optional<T> result;
  std::exception_ptr failure;
  bool done = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { result.emplace(co_await std::move(work)); },
      [&](std::exception_ptr error) {
        failure = error;
        done = true;
      });
  // NOLINTNEXTLINE(bugprone-infinite-loop): the completion handler sets `done`, run by io.run_one()
  while (!done) {
    if (io.run_one() == 0) {
      io.restart();
    }
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
  return std::move(*result);
}

}  // namespace

AgentClient::AgentClient(const std::filesystem::path& socket, std::chrono::milliseconds timeout) : timeout_(timeout) {
  net::AgentHandshakeOptions options;
  options.endpoint.kind = net::Endpoint::Kind::unix_socket;
  options.endpoint.path = socket.string();
  options.client = std::string("nixtray-agent-cli/") + nixtray::version;
  options.program = "command";
  options.timeout = timeout;
  options.rpc.call_timeout = timeout;
  options.before_start = [this](const std::shared_ptr<net::RpcClient>& client) {
    client->on_event([this](protocol::Event event) { events_.push_back(std::move(event)); });
  };
  // The same handshake as the tray's, version check included: an agent of another protocol
  // version (a daemon older or newer than this binary) is refused, not half understood.
  auto outcome = run_until_done(io_, net::open_agent_session(std::move(options)));
  if (auto* failure = std::get_if<net::HandshakeFailure>(&outcome)) {
    std::string hint;
    using enum net::HandshakeProblem;
    if (failure->problem == no_agent || failure->problem == connection_refused) {
      hint = "\nIs the agent running? Start it with: systemctl start nixtray-agent.socket (or pass --socket PATH)";
    } else if (failure->problem == protocol_mismatch) {
      hint = "\nA daemon that still runs an older or newer nixtray-agent: systemctl restart nixtray-agent";
    }
    throw CommandFailure(
        failure->problem == unauthorized ? exit_unauthorized : exit_unreachable,
        (failure->problem == protocol_mismatch ? "the agent at " + socket.string() + " cannot be used: "
                                               : "cannot reach the agent at " + socket.string() + ": ") +
            failure->message + hint);
  }
  auto& session = std::get<net::AgentSession>(outcome);
  client_ = std::move(session.client);
  hello_ = std::move(session.hello);
}

AgentClient::~AgentClient() {
  client_->close();
  io_.restart();
  io_.poll();
}

protocol::Outcome<protocol::json> AgentClient::call_raw(const std::string& method, protocol::json params) {
  return run_until_done(io_, client_->call(method, std::move(params), timeout_));
}

protocol::Outcome<protocol::json> AgentClient::call_with_payload(const std::string& method, protocol::json params) {
  return run_until_done(io_, client_->call_with_payload(method, std::move(params), timeout_));
}

std::optional<protocol::Event> AgentClient::next_event(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (events_.empty() && client_->is_open() && std::chrono::steady_clock::now() < deadline) {
    io_.restart();
    io_.run_one_until(deadline);
  }
  if (events_.empty()) {
    return std::nullopt;
  }
  auto event = std::move(events_.front());
  events_.pop_front();
  return event;
}

bool AgentClient::connected() const { return client_->is_open(); }

}  // namespace nixtray::agent
