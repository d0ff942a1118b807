#include "core/distro/wsl_distro_control.hpp"

#include "core/distro/process_runner.hpp"
#include "core/distro/wsl_list_parser.hpp"
#include "core/system/environment.hpp"
#include "core/system/path_text.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace nixtray::tray {

namespace asio = net::asio;

namespace {

// wsl.exe writes its own messages in UTF-16LE (unless WSL_UTF8=1) and passes a Linux program's
// output through untouched: decode whichever it is before showing it to a person.
std::string readable(const std::string& bytes) { return decode_wsl_output(bytes); }

// Windows Terminal registers wt.exe as an app execution alias in the user's WindowsApps folder.
std::string windows_terminal_path() {
  const auto local = environment_variable("LOCALAPPDATA");
  if (local.empty()) return {};
  const auto wt = std::filesystem::path(local) / "Microsoft" / "WindowsApps" / "wt.exe";
  std::error_code ec;
  return std::filesystem::exists(wt, ec) ? wt.string() : std::string();
}

}  // namespace

WslDistroControlOptions wsl_control_options(const TraySettings& settings, const std::string& wsl_override,
                                            bool through_login_shell) {
  WslDistroControlOptions options;
  options.distro = settings.distro;
  if (!wsl_override.empty()) {
    options.wsl = wsl_override;
  } else if (!settings.distro_control.wsl.empty()) {
    options.wsl = settings.distro_control.wsl;
  } else if (const auto from_environment = environment_variable("NIXTRAY_WSL_EXE"); !from_environment.empty()) {
    options.wsl = from_environment;
  }
  options.through_login_shell = through_login_shell || settings.distro_control.through_login_shell;
  options.terminal = wsl_terminal_command(options.wsl, options.distro, windows_terminal_path());
  return options;
}

std::optional<WslDistroControlOptions> wsl_options_of(const DistroControl* control) {
  if (const auto* wsl = dynamic_cast<const WslDistroControl*>(control)) return wsl->options();
  return std::nullopt;
}

std::vector<std::string> wsl_terminal_command(const std::string& wsl, const std::string& distro,
                                              const std::string& windows_terminal) {
  if (!windows_terminal.empty()) {
    return {windows_terminal, "-w", "0", "new-tab", "--title", distro, wsl, "-d", distro};
  }
  return {wsl, "-d", distro};
}

std::vector<std::string> wsl_exec_command(const WslDistroControlOptions& options, bool as_root,
                                          const std::vector<std::string>& argv) {
  std::vector<std::string> command{options.wsl, "-d", options.distro};
  if (as_root) {
    command.insert(command.end(), {"-u", "root"});
  }
  command.emplace_back(options.through_login_shell ? "--" : "--exec");
  command.insert(command.end(), argv.begin(), argv.end());
  return command;
}

std::vector<std::string> wsl_console_command(const WslDistroControlOptions& options,
                                             const std::optional<std::string>& user,
                                             const std::vector<std::string>& argv) {
  std::vector<std::string> command{options.wsl, "-d", options.distro};
  if (user) command.insert(command.end(), {"-u", *user});
  command.emplace_back("--");
  command.insert(command.end(), argv.begin(), argv.end());
  return command;
}

asio::awaitable<ControlResult> WslDistroControl::run(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
  ProcessOptions process_options;
  process_options.timeout = timeout;
  auto op = run_process(std::move(argv), process_options);
  auto outcome = co_await std::move(op);
  if (!outcome.ok()) {
    // wsl.exe's own failures ("There is no distribution with the supplied name.") come on
    // stdout: keep them where describe() looks.
    outcome.err = readable(outcome.err.empty() ? outcome.out : outcome.err);
    auto failure = ControlResult::failure(outcome.describe(), outcome.exit_code.value_or(-1));
    failure.output = outcome.out;
    co_return failure;
  }
  co_return ControlResult::success(outcome.out);
}

asio::awaitable<ControlResult> WslDistroControl::start() {
  auto op = run(wsl_exec_command(options_, false, {"/bin/sh", "-c", "true"}), options_.timeout);
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> WslDistroControl::terminate() {
  auto op = run({options_.wsl, "--terminate", options_.distro}, options_.list_timeout);
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> WslDistroControl::shutdown_all() {
  auto op = run({options_.wsl, "--shutdown"}, options_.timeout);
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> WslDistroControl::list_distros() {
  auto op = run({options_.wsl, "--list", "--quiet"}, options_.list_timeout);
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> WslDistroControl::list_running_distros() {
  auto op = run({options_.wsl, "--list", "--running", "--quiet"}, options_.list_timeout);
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> WslDistroControl::import_distro(NixosImportRequest request) {
  auto op = run(wsl_import_command(options_.wsl, request), options_.import_timeout);
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> WslDistroControl::export_distro(std::filesystem::path file) {
  auto op = run({options_.wsl, "--export", options_.distro, path_text(file)}, options_.import_timeout);
  co_return co_await std::move(op);
}

asio::awaitable<ControlResult> WslDistroControl::unregister_distro(std::string name) {
  if (same_distro_name(name, options_.distro)) {
    co_return ControlResult::failure("refusing to unregister " + name + ": it is the distro nixtray watches");
  }
  auto op = run({options_.wsl, "--unregister", name}, options_.list_timeout);
  co_return co_await std::move(op);
}

asio::awaitable<RunningProbe> WslDistroControl::is_running() {
  auto running_op = list_running_distros();
  const auto running = co_await std::move(running_op);
  // With nothing running, `--quiet` prints nothing (versions without it say so and exit
  // non-zero): a failed list is not an answer yet; the full list below decides.
  if (running.ok && contains_distro(parse_wsl_list(running.output), options_.distro)) {
    co_return RunningProbe{RunningState::running, {}};
  }
  auto all_op = list_distros();
  const auto all = co_await std::move(all_op);
  if (!all.ok) {
    co_return RunningProbe{RunningState::unknown, all.message};
  }
  if (!contains_distro(parse_wsl_list(all.output), options_.distro)) {
    co_return RunningProbe{RunningState::missing, "WSL has no distro named " + options_.distro};
  }
  co_return RunningProbe{RunningState::stopped, {}};
}

asio::awaitable<ControlResult> WslDistroControl::run_as_root(std::vector<std::string> argv) {
  auto op = run(wsl_exec_command(options_, true, argv), options_.timeout);
  co_return co_await std::move(op);
}

asio::awaitable<ProcessOutcome> WslDistroControl::console(ConsoleRequest request) {
  ProcessOptions process_options;
  process_options.timeout = request.timeout;
  process_options.max_output_bytes = 64 * 1024;  // evidence, not a log: a flooding login is cut
  auto op = run_process(wsl_console_command(options_, request.user, request.argv), process_options);
  auto outcome = co_await std::move(op);
  // WSL's own errors ("execvpe(...) failed") may come in UTF-16LE; the shell's output is passed
  // through as it is.
  outcome.out = readable(outcome.out);
  outcome.err = readable(outcome.err);
  co_return outcome;
}

asio::awaitable<ControlResult> WslDistroControl::open_terminal() {
  const auto command =
      options_.terminal.empty() ? wsl_terminal_command(options_.wsl, options_.distro, {}) : options_.terminal;
  const auto error = launch_detached(command);
  co_return error.empty() ? ControlResult::success() : ControlResult::failure(error);
}

}  // namespace nixtray::tray
