// The events an AgentConnection received for the topics it subscribed to, kept in order until a
// flow takes them: what lets verify-boot and a followed job wait on the agent's push (a `status`
// with systemd settled, a session unit coming up, a job finishing) instead of asking again every
// few hundred milliseconds.
//
// Bounded: past max_events the oldest event is dropped and missed() says so once, so the waiter
// reads the current state again (docs/protocol.md §7: events carry changes, a fetch the state).
//
// Threading: the connection's io_context thread only; one waiter at a time.
#pragma once

#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/subscribe.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>

namespace nixtray::tray {

class EventInbox : public std::enable_shared_from_this<EventInbox> {
 public:
  static constexpr std::size_t max_events = 256;

  void push(protocol::Event event);  // from the connection's event handler
  void close();                      // the connection ended: wake the waiter, nothing more comes

  // The oldest event not taken yet; waits up to `timeout` for one. Empty when the time passed or
  // the connection ended first.
  net::asio::awaitable<std::optional<protocol::Event>> next(std::chrono::milliseconds timeout);

  // True once after events were dropped (the inbox was full).
  bool take_missed();

 private:
  std::deque<protocol::Event> events_;
  bool missed_ = false;
  bool closed_ = false;
  net::asio::steady_timer* waiter_ = nullptr;
};

}  // namespace nixtray::tray
