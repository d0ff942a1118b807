// A JSON-RPC client over a LineConnection: correlates ids, applies a deadline to each call and
// hands `event` notifications to a callback. The agent CLI, the tray core and tests use it.
#pragma once

#include "nixtray/net/line_connection.hpp"
#include "nixtray/protocol/envelope.hpp"
#include "nixtray/protocol/method.hpp"
#include "nixtray/protocol/outcome.hpp"
#include "nixtray/protocol/subscribe.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

namespace nixtray::net {

struct RpcClientOptions {
  ConnectionLimits limits = default_client_limits();
  std::chrono::milliseconds call_timeout{30'000};

  static ConnectionLimits default_client_limits() {
    ConnectionLimits limits;
    limits.max_line_bytes = 64 * 1024 * 1024;  // results (a long generation list) are larger than requests
    limits.read_chunk_bytes = 64 * 1024;
    limits.write_timeout = std::chrono::seconds(30);
    return limits;
  }
};

class RpcClient : public std::enable_shared_from_this<RpcClient> {
 public:
  using EventHandler = std::function<void(protocol::Event)>;
  using CloseHandler = std::function<void(CloseReason)>;

  RpcClient(std::unique_ptr<ByteStream> stream, RpcClientOptions options = {});
  ~RpcClient();
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // Handlers are set before start().
  void on_event(EventHandler handler) { on_event_ = std::move(handler); }
  void on_close(CloseHandler handler) { on_close_ = std::move(handler); }
  void start();
  void close();
  [[nodiscard]] bool is_open() const { return connection_->is_open(); }

  // Transport failures come back as errors with local codes (timeout, disconnected).
  asio::awaitable<protocol::Outcome<protocol::json>> call(std::string method, protocol::json params,
                                                          std::chrono::milliseconds timeout = {});

  // A call whose result announces a payload after its line (an integer `bytes` member: jobs.log's
  // bytes form): the payload is read whole and handed over as the result's `text`, so the result
  // decodes like the raw form's.
  asio::awaitable<protocol::Outcome<protocol::json>> call_with_payload(std::string method, protocol::json params,
                                                                       std::chrono::milliseconds timeout = {});

  // Params by value: the coroutine owns them, whatever the caller passed (a temporary, or an
  // awaitable built in its own statement as CONTRIBUTING.md asks).
  template <protocol::MethodDescription M>
  asio::awaitable<protocol::Outcome<typename M::Result>> call(typename M::Params params,
                                                              std::chrono::milliseconds timeout = {}) {
    // No temporaries inside co_await (GCC 12, PR 99576): build the call first.
    auto pending = call(std::string(M::name), protocol::json(params), timeout);
    auto raw = co_await std::move(pending);
    co_return protocol::decode_outcome<typename M::Result>(std::move(raw));
  }

 private:
  struct PendingCall;
  void handle_line(std::string line);
  asio::awaitable<protocol::Outcome<protocol::json>> call(std::string method, protocol::json params,
                                                          std::chrono::milliseconds timeout, bool takes_payload);

  std::shared_ptr<LineConnection> connection_;
  RpcClientOptions options_;
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, std::shared_ptr<PendingCall>> pending_;
  EventHandler on_event_;
  CloseHandler on_close_;
  std::optional<CloseReason> closed_reason_;
};

}  // namespace nixtray::net
