// The agent runs on this machine (a Linux desktop): there is no distro to start or stop, it runs
// whenever we do. Root commands go through an elevation prefix (pkexec by default).
#pragma once

#include "core/distro/distro_control.hpp"

#include <chrono>

namespace nixtray::tray {

struct LocalDistroControlOptions {
  std::vector<std::string> root_prefix = {"pkexec"};  // not used when we are root already
  std::vector<std::string> terminal = {"x-terminal-emulator"};
  std::chrono::milliseconds timeout{120'000};  // a password prompt takes a while
};

class LocalDistroControl final : public DistroControl {
 public:
  explicit LocalDistroControl(LocalDistroControlOptions options = {}) : options_(std::move(options)) {}

  [[nodiscard]] bool has_lifecycle() const override { return false; }
  [[nodiscard]] std::string describe() const override { return "local"; }
  net::asio::awaitable<ControlResult> start() override;
  net::asio::awaitable<ControlResult> terminate() override;
  net::asio::awaitable<RunningProbe> is_running() override;
  net::asio::awaitable<ControlResult> run_as_root(std::vector<std::string> argv) override;
  net::asio::awaitable<ControlResult> open_terminal() override;

 private:
  LocalDistroControlOptions options_;
};

}  // namespace nixtray::tray
