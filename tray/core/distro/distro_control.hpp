// Starting, stopping and reaching into the distro from the host. The tray and verify-boot use it
// when the agent cannot help (the distro is down, or must be restarted). Implementations:
// LocalDistroControl (the agent runs on this machine: no lifecycle), CommandDistroControl
// (configured commands; the tests drive the harness with it), and WslDistroControl (wsl.exe, the
// Windows default). All operations run on the caller's io_context.
#pragma once

#include "core/distro/process_runner.hpp"

#include "nixtray/net/asio.hpp"

#include <chrono>
#include <optional>

#include <string>
#include <vector>

namespace nixtray::tray {

struct ControlResult {
  bool ok = false;
  std::string message;  // why it failed, for a person; may be empty on success
  std::string output;   // what the command printed (run_as_root)
  int exit_code = -1;

  static ControlResult success(std::string output = {}, int exit_code = 0) {
    return ControlResult{true, {}, std::move(output), exit_code};
  }
  static ControlResult failure(std::string message, int exit_code = -1) {
    return ControlResult{false, std::move(message), {}, exit_code};
  }
};

enum class RunningState { running, stopped, missing, unknown };

// A console as a person opens one: `wsl.exe -d <distro> [-u <user>] -- <argv>`, which WSL runs
// through the user's login shell by its own init path (no --exec: that would bypass the shell).
struct ConsoleRequest {
  std::optional<std::string> user;  // none: the distro's registered default user
  std::vector<std::string> argv;
  std::chrono::milliseconds timeout{30'000};
};

struct RunningProbe {
  RunningState state = RunningState::unknown;
  std::string detail;  // why unknown or missing
};

class DistroControl {
 public:
  virtual ~DistroControl() = default;
  DistroControl() = default;
  DistroControl(const DistroControl&) = delete;
  DistroControl& operator=(const DistroControl&) = delete;

  // Whether this control can start and stop the distro (false: Start, Shut down and Verify boot
  // are hidden).
  [[nodiscard]] virtual bool has_lifecycle() const = 0;
  [[nodiscard]] virtual std::string describe() const = 0;

  virtual net::asio::awaitable<ControlResult> start() = 0;
  virtual net::asio::awaitable<ControlResult> terminate() = 0;
  virtual net::asio::awaitable<RunningProbe> is_running() = 0;
  // Runs argv inside the distro as root: absolute paths, since there may be no PATH.
  virtual net::asio::awaitable<ControlResult> run_as_root(std::vector<std::string> argv) = 0;
  virtual net::asio::awaitable<ControlResult> open_terminal() = 0;

  // Whether this control can open a console as the distro's user (verify-boot's console step).
  [[nodiscard]] virtual bool has_console() const { return false; }
  // Never throws for a failing login: the shell's output and exit code are the outcome.
  virtual net::asio::awaitable<ProcessOutcome> console(ConsoleRequest request) {
    ProcessOutcome outcome;
    outcome.argv = std::move(request.argv);
    outcome.error = describe() + " cannot open a console in the distro";
    co_return outcome;
  }

  // Whether this control can also stop every distro at once (WSL: the whole VM).
  [[nodiscard]] virtual bool can_shut_down_all() const { return false; }
  virtual net::asio::awaitable<ControlResult> shutdown_all() {
    co_return ControlResult::failure(describe() + " cannot shut down every distro");
  }
};

}  // namespace nixtray::tray
