// EventInbox: what lets verify-boot and a followed job wait on the agent's push. A waiter is woken
// by an event or by the connection's end (not by its timeout, a minute here: a wake-up
// that did not happen fails the test with an empty result); a full inbox drops the oldest and says so.
#include "catch.hpp"
#include "run_on_io.hpp"

#include "core/link/event_inbox.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

using nixtray::protocol::Event;
using nixtray::tray::EventInbox;
using nixtray::tray::fixtures::run_on_io;
namespace asio = nixtray::net::asio;
using namespace std::chrono_literals;

namespace {

Event event(const std::string& topic, int n) { return Event{topic, nixtray::protocol::json{{"n", n}}}; }

// Waits on the inbox while another coroutine on the same io_context does `then` a moment later.
std::optional<Event> wait_while(const std::shared_ptr<EventInbox>& inbox, std::function<void()> then) {
  return run_on_io([](std::shared_ptr<EventInbox> waited_on,
                      std::function<void()> meanwhile) -> asio::awaitable<std::optional<Event>> {
    // No co_await in the statement that builds the other coroutine (GCC 12, PR 99576).
    const auto executor = co_await asio::this_coro::executor;
    asio::co_spawn(
        executor,
        [](std::function<void()> action) -> asio::awaitable<void> {
          action();
          co_return;
        }(std::move(meanwhile)),
        asio::detached);
    auto waiting = waited_on->next(60s);
    co_return co_await std::move(waiting);
  }(inbox, std::move(then)));
}

}  // namespace

TEST_CASE("EventInbox hands out events in the order they came, without waiting when it has one", "[event_inbox]") {
  auto inbox = std::make_shared<EventInbox>();
  inbox->push(event("status", 1));
  inbox->push(event("units", 2));
  const auto first = run_on_io(inbox->next(1h));
  const auto second = run_on_io(inbox->next(1h));
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->topic == "status");
  CHECK(second->topic == "units");
  CHECK(second->data.at("n") == 2);
  CHECK_FALSE(inbox->take_missed());
  CHECK_FALSE(run_on_io(inbox->next(0ms)));
}

TEST_CASE("EventInbox wakes its waiter when an event arrives", "[event_inbox]") {
  auto inbox = std::make_shared<EventInbox>();
  const auto got = wait_while(inbox, [inbox] { inbox->push(event("jobs", 7)); });
  REQUIRE(got);
  CHECK(got->topic == "jobs");
  CHECK(got->data.at("n") == 7);
}

TEST_CASE("EventInbox wakes its waiter empty-handed when the connection ends", "[event_inbox]") {
  auto inbox = std::make_shared<EventInbox>();
  const auto got = wait_while(inbox, [inbox] { inbox->close(); });
  CHECK_FALSE(got);
  inbox->push(event("status", 1));  // nothing comes after the end
  CHECK_FALSE(run_on_io(inbox->next(0ms)));
}

TEST_CASE("EventInbox keeps at most max_events and says once that it dropped the oldest", "[event_inbox]") {
  auto inbox = std::make_shared<EventInbox>();
  const int pushed = static_cast<int>(EventInbox::max_events) + 3;
  for (int n = 0; n < pushed; ++n) inbox->push(event("units", n));
  CHECK(inbox->take_missed());
  CHECK_FALSE(inbox->take_missed());
  const auto oldest = run_on_io(inbox->next(0ms));
  REQUIRE(oldest);
  CHECK(oldest->data.at("n") == 3);
  int left = 1;
  while (run_on_io(inbox->next(0ms))) ++left;
  CHECK(left == static_cast<int>(EventInbox::max_events));
}
