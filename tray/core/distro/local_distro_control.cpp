#include "core/distro/local_distro_control.hpp"

#include "core/distro/process_runner.hpp"

#include "core/system/this_host.hpp"

namespace nixtray::tray {

namespace asio = net::asio;

asio::awaitable<ControlResult> LocalDistroControl::start() {
  co_return ControlResult::failure("the agent runs on this machine: there is no distro to start");
}

asio::awaitable<ControlResult> LocalDistroControl::terminate() {
  co_return ControlResult::failure("the agent runs on this machine: there is no distro to shut down");
}

asio::awaitable<RunningProbe> LocalDistroControl::is_running() {
  co_return RunningProbe{RunningState::running, "this machine"};
}

asio::awaitable<ControlResult> LocalDistroControl::run_as_root(std::vector<std::string> argv) {
  std::vector<std::string> command;
  if (root_prefix_needed()) command = options_.root_prefix;
  command.insert(command.end(), argv.begin(), argv.end());
  ProcessOptions process_options;
  process_options.timeout = options_.timeout;
  auto run = run_process(std::move(command), process_options);
  const auto outcome = co_await std::move(run);
  if (!outcome.ok()) {
    co_return ControlResult::failure(outcome.describe(), outcome.exit_code.value_or(-1));
  }
  co_return ControlResult::success(outcome.out);
}

asio::awaitable<ControlResult> LocalDistroControl::open_terminal() {
  const auto error = launch_detached(options_.terminal);
  co_return error.empty() ? ControlResult::success() : ControlResult::failure(error);
}

}  // namespace nixtray::tray
