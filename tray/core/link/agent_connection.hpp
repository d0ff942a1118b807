// One connection to the agent, opened with hello and used for a few calls: for flows that own the
// distro's lifecycle (verify-boot restarts it and waits for a new agent) and cannot use AgentLink,
// whose session reconnects, subscribes and fetches snapshots by itself. No reconnect: when the
// agent goes away, open a new one. Events of the topics it subscribes to (call<SubscribeMethod>)
// wait in its EventInbox until next_event() takes them.
//
// Threading: as AgentLink (one io_context thread).
#pragma once

#include "core/link/action_result.hpp"
#include "core/link/connection_failure.hpp"
#include "core/link/event_inbox.hpp"

#include "nixtray/net/agent_handshake.hpp"
#include "nixtray/net/endpoint.hpp"
#include "nixtray/net/rpc_client.hpp"
#include "nixtray/protocol/hello.hpp"
#include "nixtray/protocol/jobs.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace nixtray::tray {

struct AgentConnectionOptions {
  net::Endpoint endpoint;
  std::optional<std::filesystem::path> token_file;    // read before each TCP connection
  std::string client;                                 // "<name>/<version>" for the agent's log
  std::chrono::milliseconds connect_timeout{10'000};  // opening the transport and hello
  std::chrono::milliseconds call_timeout{30'000};
};

// The handshake of one of this tray's connections (nixtray/net/agent_handshake.hpp): over TCP the
// token read from `token_file` (a failure when it cannot be read), the tray's name and timeouts.
// AgentLink and AgentConnection both open their sessions with it.
std::variant<net::AgentHandshakeOptions, ConnectionFailure> tray_handshake(
    const net::Endpoint& endpoint, const std::optional<std::filesystem::path>& token_file, std::string client,
    std::chrono::milliseconds connect_timeout, std::chrono::milliseconds call_timeout);

class AgentConnection {
 public:
  using Opened = std::variant<std::shared_ptr<AgentConnection>, ConnectionFailure>;

  // One attempt; a failure says why in words a user can act on.
  static net::asio::awaitable<Opened> open(AgentConnectionOptions options);

  // `inbox` receives the client's events (open() sets that up before the client starts).
  AgentConnection(std::shared_ptr<net::RpcClient> client, protocol::HelloResult hello,
                  std::chrono::milliseconds call_timeout, std::shared_ptr<EventInbox> inbox)
      : client_(std::move(client)), hello_(std::move(hello)), call_timeout_(call_timeout), inbox_(std::move(inbox)) {}
  ~AgentConnection() { close(); }
  AgentConnection(const AgentConnection&) = delete;
  AgentConnection& operator=(const AgentConnection&) = delete;

  [[nodiscard]] const protocol::HelloResult& hello() const { return hello_; }
  [[nodiscard]] bool is_open() const { return client_ && client_->is_open(); }
  [[nodiscard]] bool supports(std::string_view method) const {
    return std::find(hello_.methods.begin(), hello_.methods.end(), method) != hello_.methods.end();
  }
  void close() {
    if (client_) client_->close();
  }

  // The next event of a subscribed topic, waiting up to `timeout`; empty when the time passed or
  // the connection ended. events_missed(): some were dropped since the last look (read the state
  // again).
  net::asio::awaitable<std::optional<protocol::Event>> next_event(std::chrono::milliseconds timeout) {
    auto inbox = inbox_;  // alive until the wait ends, whatever happens to this object
    auto waiting = inbox->next(timeout);
    co_return co_await std::move(waiting);
  }
  bool events_missed() { return inbox_->take_missed(); }

  // Subscribes to `topics`; false when the agent refused (then the caller asks instead of listening).
  net::asio::awaitable<bool> subscribe(std::vector<std::string> topics);

  template <protocol::MethodDescription M>
  net::asio::awaitable<ActionResult<typename M::Result>> call(typename M::Params params,
                                                              std::chrono::milliseconds timeout = {}) {
    if (!is_open()) {
      co_return ActionError{ActionErrorKind::disconnected, "the connection to the agent has ended", 0, nullptr};
    }
    if (!supports(M::name)) {
      co_return classify_rpc_error(protocol::RpcError(protocol::ErrorCode::method_not_found, ""), M::name);
    }
    auto client = client_;  // alive until the call returns, whatever happens to this object
    auto op = client->call<M>(std::move(params), timeout.count() > 0 ? timeout : call_timeout_);
    auto outcome = co_await std::move(op);
    co_return to_action_result(std::move(outcome), M::name);
  }

 private:
  std::shared_ptr<net::RpcClient> client_;
  protocol::HelloResult hello_;
  std::chrono::milliseconds call_timeout_;
  std::shared_ptr<EventInbox> inbox_;
};

// Starts a job and follows it until it has finished or `timeout` passed: through the `jobs` topic
// (each event of this job), with jobs.get only at the start and when events were missed; `poll`
// is how often to ask instead when the agent refuses the subscription. on_update sees the job each
// time it is read. The result is the finished job, or why it could
// not be started or followed (a timeout leaves the job running).
net::asio::awaitable<ActionResult<protocol::Job>> run_job_to_end(std::shared_ptr<AgentConnection> connection,
                                                                 protocol::JobStartParams params,
                                                                 std::chrono::milliseconds timeout,
                                                                 std::chrono::milliseconds poll,
                                                                 std::function<void(const protocol::Job&)> on_update);

// Waits `delay` on the calling coroutine's executor.
net::asio::awaitable<void> pause_for(std::chrono::milliseconds delay);

}  // namespace nixtray::tray
