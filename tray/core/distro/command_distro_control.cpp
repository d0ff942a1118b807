#include "core/distro/command_distro_control.hpp"

#include "core/distro/process_runner.hpp"
#include "nixtray/net/endpoint.hpp"

#include <stdexcept>

namespace nixtray::tray {

namespace asio = net::asio;

namespace {

std::vector<std::string> split_option(const std::string& text, std::string_view option) {
  try {
    return net::split_command_line(text);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("--" + std::string(option) + ": " + e.what());
  }
}

}  // namespace

CommandDistroCommands parse_distro_commands(const std::string& start, const std::string& stop,
                                            const std::string& is_running, const std::string& exec_as_root,
                                            const std::string& terminal, const std::string& console) {
  CommandDistroCommands commands;
  commands.start = split_option(start, "start");
  commands.stop = split_option(stop, "stop");
  commands.is_running = split_option(is_running, "is-running");
  commands.exec_as_root = split_option(exec_as_root, "exec-as-root");
  commands.terminal = split_option(terminal, "terminal");
  commands.console = split_option(console, "console");
  return commands;
}

asio::awaitable<ControlResult> CommandDistroControl::run(std::vector<std::string> argv, std::string_view what) {
  if (argv.empty()) {
    co_return ControlResult::failure("no command is configured to " + std::string(what));
  }
  ProcessOptions process_options;
  process_options.timeout = options_.timeout;
  auto op = run_process(std::move(argv), process_options);
  const auto outcome = co_await std::move(op);
  if (!outcome.ok()) {
    auto failure = ControlResult::failure(outcome.describe(), outcome.exit_code.value_or(-1));
    failure.output = outcome.out;  // what a rescue command printed before failing still matters
    co_return failure;
  }
  co_return ControlResult::success(outcome.out);
}

asio::awaitable<ControlResult> CommandDistroControl::start() {
  auto op = run(commands_.start, "start the distro");
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> CommandDistroControl::terminate() {
  auto op = run(commands_.stop, "shut the distro down");
  co_return co_await std::move(op);
}

asio::awaitable<RunningProbe> CommandDistroControl::is_running() {
  if (commands_.is_running.empty()) {
    co_return RunningProbe{RunningState::unknown, "no is-running command is configured"};
  }
  ProcessOptions process_options;
  process_options.timeout = options_.timeout;
  auto op = run_process(commands_.is_running, process_options);
  const auto outcome = co_await std::move(op);
  if (!outcome.started || outcome.timed_out || !outcome.exit_code) {
    co_return RunningProbe{RunningState::unknown, outcome.describe()};
  }
  co_return RunningProbe{*outcome.exit_code == 0 ? RunningState::running : RunningState::stopped, {}};
}

asio::awaitable<ControlResult> CommandDistroControl::run_as_root(std::vector<std::string> argv) {
  if (commands_.exec_as_root.empty()) {
    co_return ControlResult::failure("no exec-as-root command is configured");
  }
  auto command = commands_.exec_as_root;
  command.insert(command.end(), argv.begin(), argv.end());
  auto op = run(std::move(command), "run a command as root");
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> CommandDistroControl::open_terminal() {
  if (commands_.terminal.empty()) {
    co_return ControlResult::failure("no terminal command is configured");
  }
  const auto error = launch_detached(commands_.terminal);
  co_return error.empty() ? ControlResult::success() : ControlResult::failure(error);
}

asio::awaitable<ProcessOutcome> CommandDistroControl::console(ConsoleRequest request) {
  if (commands_.console.empty()) {
    ProcessOutcome none;
    none.argv = std::move(request.argv);
    none.error = "no console command is configured";
    co_return none;
  }
  auto command = commands_.console;
  command.insert(command.end(), request.argv.begin(), request.argv.end());
  ProcessOptions process_options;
  process_options.timeout = request.timeout;
  process_options.max_output_bytes = 64 * 1024;  // evidence, not a log: a flooding login is cut
  auto op = run_process(std::move(command), process_options);
  co_return co_await std::move(op);
}

}  // namespace nixtray::tray
