#include "core/targets/target_discovery.hpp"

#include "core/distro/wsl_list_parser.hpp"
#include "core/link/token_file.hpp"

#include <algorithm>

namespace nixtray::tray {

namespace asio = net::asio;
using protocol::json;

namespace {

// The agent's --version inside a running distro: its first line, or nothing when the program is
// not there (wsl.exe's execvpe error) or does not answer within the list timeout.
asio::awaitable<std::optional<std::string>> agent_in(WslDistroControlOptions wsl, std::string distro) {
  wsl.distro = std::move(distro);
  wsl.timeout = wsl.list_timeout;
  WslDistroControl control(wsl);
  auto op = control.run_as_root({agent_path_in_distro, "--version"});
  const auto result = co_await std::move(op);
  if (!result.ok) co_return std::nullopt;
  auto line = result.output.substr(0, result.output.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  co_return line.empty() ? std::optional<std::string>(agent_path_in_distro) : std::optional(line);
}

}  // namespace

bool watches_wsl_distro(const TraySettings& target, const std::string& distro) {
  return effective_distro_control_kind(target) == "wsl" && same_distro_name(target.distro, distro);
}

asio::awaitable<DistroDiscovery> discover_wsl_distros(WslDistroControlOptions wsl, SettingsDocument document) {
  DistroDiscovery discovery;
  WslDistroControl control(wsl);
  auto all_op = control.list_distros();
  const auto all = co_await std::move(all_op);
  if (!all.ok) {
    discovery.problem = "wsl.exe could not list the distros: " + all.message;
    co_return discovery;
  }
  // Nothing running is an empty list (or, on old versions, a failure that says so).
  auto running_op = control.list_running_distros();
  const auto running = co_await std::move(running_op);
  const auto running_distros = running.ok ? parse_wsl_list(running.output) : std::vector<WslDistro>{};
  discovery.ok = true;
  for (const auto& distro : parse_wsl_list(all.output)) {
    const auto watched = std::any_of(document.targets.begin(), document.targets.end(),
                                     [&](const TraySettings& t) { return watches_wsl_distro(t, distro.name); });
    if (watched) continue;
    FoundDistro found{distro.name, contains_distro(running_distros, distro.name), std::nullopt};
    if (found.running) {
      auto probe = agent_in(wsl, distro.name);
      found.agent = co_await std::move(probe);
    }
    discovery.distros.push_back(std::move(found));
  }
  co_return discovery;
}

TraySettings target_for_distro(const FoundDistro& found, const SettingsDocument& document, const std::string& wsl) {
  TraySettings target;
  target.name = found.distro;
  for (int n = 2; document.find(target.name) != nullptr; ++n) target.name = found.distro + "-" + std::to_string(n);
  target.distro = found.distro;
  target.agent = wsl_bridge_address(wsl, found.distro);
  target.distro_control.kind = "wsl";
  target.distro_control.wsl = wsl;
  target.start_at_login = document.start_at_login;
  return target;
}

TraySettings add_found_distro(const SettingsFile& file, const FoundDistro& found, const std::string& wsl) {
  TraySettings added;
  file.update([&](SettingsDocument& document) {
    added = target_for_distro(found, document, wsl);
    document.put(added);
  });
  return added;
}

json to_json(const FoundDistro& found) {
  return {{"distro", found.distro},
          {"running", found.running},
          {"agent", found.agent ? json(*found.agent) : json(nullptr)},
          {"worth_adding", found.worth_adding()}};
}

}  // namespace nixtray::tray
