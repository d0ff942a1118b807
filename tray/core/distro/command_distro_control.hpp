// A distro controlled by configured commands: `--start CMD --stop CMD --is-running CMD
// --exec-as-root CMD --console CMD`. Each command is an argv split on whitespace with double quotes grouping
// (net::split_command_line), run with a timeout and without a shell. `is-running` exits 0 when the
// distro runs; `exec-as-root` is a prefix to which the argv to run is appended; `console` is a prefix that runs
// the appended argv as the distro's default user through their login shell (as `wsl.exe -d D --`
// does: the request's user is the prefix's business, so it is not passed).
#pragma once

#include "core/distro/distro_control.hpp"

#include <chrono>
#include <optional>

namespace nixtray::tray {

struct CommandDistroCommands {
  std::vector<std::string> start;
  std::vector<std::string> stop;
  std::vector<std::string> is_running;
  std::vector<std::string> exec_as_root;
  std::vector<std::string> terminal;
  std::vector<std::string> console;
};

struct CommandDistroControlOptions {
  std::chrono::milliseconds timeout{60'000};  // per command; start may wait for the distro's boot
};

// Splits the command texts; throws std::invalid_argument naming the option with an open quote.
CommandDistroCommands parse_distro_commands(const std::string& start, const std::string& stop,
                                            const std::string& is_running, const std::string& exec_as_root,
                                            const std::string& terminal = {}, const std::string& console = {});

class CommandDistroControl final : public DistroControl {
 public:
  explicit CommandDistroControl(CommandDistroCommands commands, CommandDistroControlOptions options = {})
      : commands_(std::move(commands)), options_(options) {}

  [[nodiscard]] bool has_lifecycle() const override { return !commands_.start.empty() && !commands_.stop.empty(); }
  [[nodiscard]] std::string describe() const override { return "command"; }
  [[nodiscard]] const CommandDistroCommands& commands() const { return commands_; }

  net::asio::awaitable<ControlResult> start() override;
  net::asio::awaitable<ControlResult> terminate() override;
  net::asio::awaitable<RunningProbe> is_running() override;
  net::asio::awaitable<ControlResult> run_as_root(std::vector<std::string> argv) override;
  net::asio::awaitable<ControlResult> open_terminal() override;
  [[nodiscard]] bool has_console() const override { return !commands_.console.empty(); }
  net::asio::awaitable<ProcessOutcome> console(ConsoleRequest request) override;

 private:
  net::asio::awaitable<ControlResult> run(std::vector<std::string> argv, std::string_view what);

  CommandDistroCommands commands_;
  CommandDistroControlOptions options_;
};

}  // namespace nixtray::tray
