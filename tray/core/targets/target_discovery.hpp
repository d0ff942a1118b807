// Finding the WSL distros a tray could watch (issue 21): every distro wsl.exe knows that no target
// watches yet, and, for those running, whether nixtray's agent is installed in it. A stopped
// distro is not looked into: running a command in it would boot it (and an Ubuntu next to NixOS
// has no business being started by a tray). Each found distro becomes a target with one call.
#pragma once

#include "core/distro/wsl_distro_control.hpp"
#include "core/settings/settings_document.hpp"
#include "core/settings/settings_file.hpp"

#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct FoundDistro {
  std::string distro;
  bool running = false;
  // What `nixtray-agent --version` printed inside it; nothing when it is stopped (not looked
  // into) or has no agent.
  std::optional<std::string> agent;
  [[nodiscard]] bool worth_adding() const { return agent.has_value() || !running; }
};

struct DistroDiscovery {
  bool ok = false;
  std::string problem;  // why wsl.exe could not list the distros
  std::vector<FoundDistro> distros;
};

// The distros `wsl` lists that no target of `document` watches (a target with wsl.exe control
// and the same distro name), in wsl.exe's order.
net::asio::awaitable<DistroDiscovery> discover_wsl_distros(WslDistroControlOptions wsl, SettingsDocument document);

// The target a found distro becomes: named after it (with a number when the name is taken),
// reached through its wsl.exe bridge and controlled with `wsl`, watched.
TraySettings target_for_distro(const FoundDistro& found, const SettingsDocument& document, const std::string& wsl);

// The same, added to the settings file (read, changed and written back at once); the new target.
TraySettings add_found_distro(const SettingsFile& file, const FoundDistro& found, const std::string& wsl);

// Whether `target` watches the WSL distro `distro`.
bool watches_wsl_distro(const TraySettings& target, const std::string& distro);

protocol::json to_json(const FoundDistro& found);

}  // namespace nixtray::tray
