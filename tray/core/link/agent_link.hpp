// The tray's connection to the agent: connects over the configured transport, says hello,
// subscribes to status/units/generations/jobs (and space), fetches the snapshots, and reports everything as
// TrayEvents. Reconnects with Backoff, and knows when not to:
//  - expected down: the user shut the distro down; losing the agent is no alarm;
//  - a transport that starts the distro by connecting (the wsl.exe bridge) connects only while
//    the distro runs (asked through DistroControl::is_running) or after the user pressed Start;
//  - paused: verify-boot owns the distro's lifecycle; nothing reconnects until resume().
//
// Threading: create, call and destroy it on the io_context's thread (post() to it from others).
// The event sink and every result run on that thread too; a GUI marshals them (CallAfter).
#pragma once

#include "core/distro/distro_control.hpp"
#include "core/link/action_result.hpp"
#include "core/link/backoff.hpp"
#include "core/state/tray_event.hpp"

#include "nixtray/net/endpoint.hpp"
#include "nixtray/net/rpc_client.hpp"
#include "nixtray/protocol/hello.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace nixtray::tray {

struct AgentLinkOptions {
  net::Endpoint endpoint;
  std::optional<std::filesystem::path> token_file;  // read before each TCP connection
  // Connecting starts the distro (the wsl.exe bridge): with a DistroControl that has a lifecycle,
  // connect only while is_running says it runs, or after user_started_distro().
  bool connect_starts_distro = false;
  // A TCP connection whose token file does not exist yet fetches the token once through the
  // distro control (fetch_token: wsl.exe -u root --exec nixtray-agent token).
  bool fetch_missing_token = false;
  bool reconnect = true;  // false: one attempt (nixtrayctl); a failure ends the link
  std::string client = default_client_name();
  BackoffPolicy backoff;
  std::chrono::milliseconds connect_timeout{10'000};  // opening the transport and hello
  std::chrono::milliseconds call_timeout{30'000};
  std::chrono::milliseconds distro_poll_interval{5'000};  // is_running while waiting for the distro
  int jobs_snapshot_limit = 20;

  static std::string default_client_name();  // "nixtray/<version>"
};

class AgentLink : public std::enable_shared_from_this<AgentLink> {
 public:
  using EventSink = std::function<void(TrayEvent)>;

  // `control` may be null (no distro control: the link only connects).
  static std::shared_ptr<AgentLink> create(net::asio::any_io_executor executor, AgentLinkOptions options,
                                           EventSink sink, std::shared_ptr<DistroControl> control = nullptr);
  ~AgentLink();
  AgentLink(const AgentLink&) = delete;
  AgentLink& operator=(const AgentLink&) = delete;

  void start();
  // Runs once when the link has ended (stop(), or the one attempt of reconnect = false).
  void on_finished(std::function<void()> handler) { on_finished_ = std::move(handler); }
  // Closes the connection; no event is reported afterwards. Calls in flight end as disconnected.
  void stop();

  // The user pressed Start: connecting may start the distro now; try at once.
  void user_started_distro();
  // The user shut the distro down: losing the connection is expected, and a transport that
  // would start the distro does not reconnect until the user starts it again.
  void user_stopped_distro();
  // Verify-boot takes over the distro's lifecycle: an open connection stays, nothing reconnects.
  void pause(std::string reason);
  void resume();
  // Retry now, with a fresh backoff (settings changed, the user asked).
  void reconnect_now();

  [[nodiscard]] net::asio::any_io_executor executor() const { return executor_; }
  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] const std::optional<protocol::HelloResult>& hello() const { return hello_; }
  [[nodiscard]] const AgentLinkOptions& options() const { return options_; }
  [[nodiscard]] bool supports(std::string_view method) const;

  // Follow a job's log: log:<id> events arrive as JobLogReceived, also after reconnecting.
  void follow_job_log(const std::string& job_id);
  void unfollow_job_log(const std::string& job_id);

  // A typed call on the current connection. Fails fast (not_connected, not_supported,
  // unauthorized) when the answer is known without asking.
  template <protocol::MethodDescription M>
  net::asio::awaitable<ActionResult<typename M::Result>> call(typename M::Params params,
                                                              std::chrono::milliseconds timeout = {}) {
    auto self = shared_from_this();
    auto client = client_;
    if (!client || !connected_) {
      co_return ActionError{ActionErrorKind::not_connected, "not connected to the agent", 0, nullptr};
    }
    if (!supports(M::name)) {
      co_return classify_rpc_error(protocol::RpcError(protocol::ErrorCode::method_not_found, ""), M::name);
    }
    if (protocol::needs_authorization<M>() && hello_ && !hello_->authorized) {
      co_return ActionError{ActionErrorKind::unauthorized,
                            std::string(M::name) +
                                (M::mutating ? " changes the system" : " reads logs, which may hold secrets") +
                                ", and this connection is read-only: only root or members of the agent's group may "
                                "do that",
                            static_cast<int>(protocol::ErrorCode::unauthorized), nullptr};
    }
    auto op = client->call<M>(params, timeout.count() > 0 ? timeout : options_.call_timeout);
    auto outcome = co_await std::move(op);
    co_return to_action_result(std::move(outcome), M::name);
  }

 private:
  struct SessionEnd {
    UnreachableReason reason = UnreachableReason::unknown;
    std::string message;
    bool was_connected = false;
  };

  AgentLink(net::asio::any_io_executor executor, AgentLinkOptions options, EventSink sink,
            std::shared_ptr<DistroControl> control);

  net::asio::awaitable<void> run();
  net::asio::awaitable<SessionEnd> run_session();
  net::asio::awaitable<void> fetch_snapshots(std::shared_ptr<net::RpcClient> client);
  void fetch_space(std::shared_ptr<net::RpcClient> client);
  net::asio::awaitable<void> sleep_or_wake(std::chrono::milliseconds delay);
  net::asio::awaitable<void> observe_power();
  void subscribe_logs(std::vector<std::string> topics, bool subscribe);
  void handle_event(protocol::Event event);
  void emit(TrayEvent event);
  void wake();

  net::asio::any_io_executor executor_;
  AgentLinkOptions options_;
  EventSink sink_;
  std::function<void()> on_finished_;
  std::shared_ptr<DistroControl> control_;
  Backoff backoff_;
  net::asio::steady_timer wake_timer_;
  net::asio::steady_timer closed_timer_;
  std::shared_ptr<net::RpcClient> client_;
  std::optional<protocol::HelloResult> hello_;
  std::optional<std::string> rejected_token_;
  std::set<std::string> followed_logs_;
  bool started_ = false;
  bool stopped_ = false;
  bool connected_ = false;
  bool session_closed_ = false;
  bool wake_requested_ = false;
  bool expected_down_ = false;
  bool start_permission_ = false;
  std::optional<std::string> paused_;
  std::optional<net::CloseReason> close_reason_;
};

}  // namespace nixtray::tray
