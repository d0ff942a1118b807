#include "core/link/event_inbox.hpp"

#include <utility>

namespace nixtray::tray {

void EventInbox::push(protocol::Event event) {
  if (closed_) return;
  if (events_.size() >= max_events) {
    events_.pop_front();
    missed_ = true;
  }
  events_.push_back(std::move(event));
  if (waiter_) waiter_->cancel();
}

void EventInbox::close() {
  closed_ = true;
  if (waiter_) waiter_->cancel();
}

net::asio::awaitable<std::optional<protocol::Event>> EventInbox::next(std::chrono::milliseconds timeout) {
  auto self = shared_from_this();  // alive while this coroutine waits
  if (events_.empty() && !closed_ && timeout.count() > 0) {
    net::asio::steady_timer timer(co_await net::asio::this_coro::executor, timeout);
    waiter_ = &timer;
    co_await timer.async_wait(net::use_nothrow);
    waiter_ = nullptr;
  }
  if (events_.empty()) co_return std::nullopt;
  auto event = std::move(events_.front());
  events_.pop_front();
  co_return event;
}

bool EventInbox::take_missed() { return std::exchange(missed_, false); }

}  // namespace nixtray::tray
