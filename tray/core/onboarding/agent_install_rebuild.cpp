#include "core/onboarding/agent_install_rebuild.hpp"

#include "core/distro/process_runner.hpp"
#include "core/distro/wsl_list_parser.hpp"

#include <string_view>

namespace nixtray::tray {

std::vector<std::string> agent_install_rebuild_command(const TraySettings& settings) {
  std::vector<std::string> argv{distro_nixos_rebuild, "switch"};
  if (settings.flake && !settings.flake->empty()) {
    argv.insert(argv.end(), {"--flake", *settings.flake});
  }
  return argv;
}

namespace {

// WSL joins the words after `--` with spaces and gives them to the login shell: a word with a
// space or a shell character would not arrive as one word. Flake references and paths need none.
bool reaches_the_shell_whole(const std::string& word) {
  if (word.empty()) return false;
  for (const char c : word) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!plain && std::string_view("_@%+=:,./-#~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

net::asio::awaitable<ControlResult> run_agent_install_rebuild(WslDistroControlOptions wsl, const TraySettings& settings,
                                                              std::chrono::milliseconds timeout) {
  for (const auto& word : agent_install_rebuild_command(settings)) {
    if (!reaches_the_shell_whole(word)) {
      co_return ControlResult::failure("\"" + word +
                                           "\" cannot be passed through the distro's login shell as one word (it has "
                                           "a space or a shell character): run nixos-rebuild in a terminal of the "
                                           "distro instead, or change the flake setting",
                                       -1);
    }
  }
  ProcessOptions options;
  options.timeout = timeout;
  // Through root's login shell (`wsl.exe -u root --`, no --exec), as a console runs it: NixOS sets
  // NIX_PATH and the other Nix settings there (/etc/set-environment), and nixos-rebuild needs them
  // to find <nixos-config> and the channels.
  auto op =
      run_process(wsl_console_command(wsl, std::string("root"), agent_install_rebuild_command(settings)), options);
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
