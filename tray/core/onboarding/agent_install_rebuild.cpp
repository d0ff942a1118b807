#include "core/onboarding/agent_install_rebuild.hpp"

#include "core/distro/process_runner.hpp"
#include "core/distro/wsl_list_parser.hpp"

namespace nixtray::tray {

std::vector<std::string> agent_install_rebuild_command(const TraySettings& settings) {
  std::vector<std::string> argv{distro_nixos_rebuild, "switch"};
  if (settings.flake && !settings.flake->empty()) {
    argv.insert(argv.end(), {"--flake", *settings.flake});
  }
  return argv;
}

net::asio::awaitable<ControlResult> run_agent_install_rebuild(WslDistroControlOptions wsl, const TraySettings& settings,
                                                              std::chrono::milliseconds timeout) {
  ProcessOptions options;
  options.timeout = timeout;
  auto op = run_process(wsl_exec_command(wsl, true, agent_install_rebuild_command(settings)), options);
  auto outcome = co_await std::move(op);
  // nixos-rebuild reports on stderr; wsl.exe's own complaints come in UTF-16LE.
  auto log = decode_wsl_output(outcome.out) + decode_wsl_output(outcome.err);
  if (outcome.ok()) co_return ControlResult::success(std::move(log));
  outcome.err = decode_wsl_output(outcome.err.empty() ? outcome.out : outcome.err);
  auto failure = ControlResult::failure(outcome.describe(), outcome.exit_code.value_or(-1));
  failure.output = std::move(log);
  co_return failure;
}

}  // namespace nixtray::tray
