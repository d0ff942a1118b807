#pragma once
// Timeouts for tests that run on slow or loaded machines.
#include <chrono>
#include <functional>

namespace nixtray::testing {

// d multiplied by NIXTRAY_TEST_TIMEOUT_FACTOR (a positive number, default 1; e.g. 3 under valgrind or on a
// busy CI machine). Every timeout in the harness goes through this.
std::chrono::milliseconds scaled(std::chrono::milliseconds d);

// Calls condition every interval until it returns true (-> true) or timeout has passed (-> false).
// timeout is used as given: scale it at the call site.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(20));

}  // namespace nixtray::testing
