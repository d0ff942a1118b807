// For the agent link's integration tests: a distro's profile with a real agent over it, and a
// watcher that runs an AgentLink on its own io_context and folds its events into a TrayState.
#pragma once

#include "test_agent.hpp"

#include "core/link/agent_link.hpp"
#include "core/state/tray_state_reducer.hpp"

#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace nixtray::tray::fixtures {

namespace asio = net::asio;
using namespace std::chrono_literals;

// Generation 1 booted, current and default.
struct PlainDistro {
  testing::TempDir root{"nxl"};
  testing::PlainProfile profile = testing::make_plain_profile(root.path());

  PlainDistro() {
    profile.add(1, "24.05.20240101.aaaaaaa (Uakari)");
    profile.set_default(1);
    profile.set_current(1);
    profile.set_booted(1);
  }

  [[nodiscard]] testing::TestAgentOptions agent_options(bool tcp = false) const {
    auto options = testing::agent_options_for(profile);
    options.tcp = tcp;
    return options;
  }
};

inline AgentLinkOptions link_options(net::Endpoint endpoint) {
  AgentLinkOptions options;
  options.endpoint = std::move(endpoint);
  options.client = "nixtray-test/0";
  options.backoff.initial = 50ms;
  options.backoff.cap = 500ms;
  options.connect_timeout = testing::scaled(10s);
  options.call_timeout = testing::scaled(10s);
  options.distro_poll_interval = 100ms;
  return options;
}

inline net::Endpoint unix_endpoint(const std::filesystem::path& socket) {
  return net::parse_endpoint("unix:" + socket.string());
}

class LinkWatcher {
 public:
  LinkWatcher() = default;
  LinkWatcher(const LinkWatcher&) = delete;
  LinkWatcher& operator=(const LinkWatcher&) = delete;
  ~LinkWatcher() { stop(); }

  void start(AgentLinkOptions options, std::shared_ptr<DistroControl> control = nullptr) {
    link = AgentLink::create(
        io.get_executor(), std::move(options),
        [this](TrayEvent event) {
          state = TrayStateReducer::reduce(std::move(state), event);
          events.push_back(std::move(event));
        },
        std::move(control));
    link->start();
  }

  // Feeds an event the way the tray does for things the link does not see (the user's clicks).
  void feed(TrayEvent event) { state = TrayStateReducer::reduce(std::move(state), event); }

  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + testing::scaled(timeout);
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io.restart();
      io.run_for(10ms);
    }
    return true;
  }

  // Runs for a while whatever happens (to see that something does NOT happen).
  void run_for(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(10ms);
    }
  }

  // Runs a coroutine on the link's io_context to completion (nullopt when it did not finish).
  template <class T>
  std::optional<T> await(asio::awaitable<T> work, std::chrono::milliseconds timeout = 20s) {
    auto result = std::make_shared<std::optional<T>>();
    asio::co_spawn(
        io,
        [work = std::move(work), result]() mutable -> asio::awaitable<void> {
          auto value = co_await std::move(work);
          result->emplace(std::move(value));
        },
        asio::detached);
    run_until([&] { return result->has_value(); }, timeout);
    return *result;
  }

  template <class E>
  [[nodiscard]] int count() const {
    int n = 0;
    for (const auto& event : events) n += std::holds_alternative<E>(event) ? 1 : 0;
    return n;
  }

  template <class E>
  [[nodiscard]] std::vector<E> all() const {
    std::vector<E> found;
    for (const auto& event : events) {
      if (const auto* e = std::get_if<E>(&event)) found.push_back(*e);
    }
    return found;
  }

  void stop() {
    if (link) {
      link->stop();
      io.restart();
      io.run_for(testing::scaled(10s));  // returns as soon as the link has wound down
      link.reset();
    }
  }

  asio::io_context io;
  std::shared_ptr<AgentLink> link;
  TrayState state;
  std::vector<TrayEvent> events;
};

}  // namespace nixtray::tray::fixtures
