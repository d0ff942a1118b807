#include "nixtray/testing/timeouts.hpp"

#include <cstdlib>
#include <string>
#include <thread>

namespace nixtray::testing {

std::chrono::milliseconds scaled(std::chrono::milliseconds d) {
  double factor = 1.0;
  if (const char* v = std::getenv("NIXTRAY_TEST_TIMEOUT_FACTOR"); v != nullptr && *v != '\0') {
    try {
      factor = std::stod(v);
    } catch (...) {
      factor = 1.0;  // a typo in the variable must not make every timeout zero
    }
    if (!(factor > 0.0)) factor = 1.0;
  }
  return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(d.count()) * factor));
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace nixtray::testing
