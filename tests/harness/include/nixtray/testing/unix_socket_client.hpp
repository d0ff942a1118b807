#pragma once
// Minimal Unix stream socket client, to check from the host that a service inside a namespace answers on a
// socket in a host directory.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::testing {

class UnixSocketClient {
 public:
  // True if something accepts connections at path now.
  static bool can_connect(const std::filesystem::path& path);
  // Polls can_connect until timeout (scaled).
  static bool wait_for_listener(const std::filesystem::path& path, std::chrono::milliseconds timeout);
  // Connects, sends request, shuts down the write side and reads until EOF or timeout (scaled).
  static std::optional<std::string> exchange(const std::filesystem::path& path, const std::string& request,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(5));
};

}  // namespace nixtray::testing
