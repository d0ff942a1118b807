// "Add the agent": once a person has added nixtray's module to the distro's configuration, the
// tray can run the rebuild for them. There is no agent yet, so no jobs engine: the rebuild is
// nixos-rebuild itself, run as root inside the distro through wsl.exe and root's login shell
// (`wsl.exe -d D -u root -- ...`, as a console runs it, so NIX_PATH is set), by absolute path, with
// the flake from the settings.
#pragma once

#include "core/distro/distro_control.hpp"
#include "core/distro/wsl_distro_control.hpp"
#include "core/settings/tray_settings.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace nixtray::tray {

inline constexpr const char* distro_nixos_rebuild = "/run/current-system/sw/bin/nixos-rebuild";

// `nixos-rebuild switch [--flake REF]`, inside the distro.
std::vector<std::string> agent_install_rebuild_command(const TraySettings& settings);

// Runs it; `output` holds everything it printed (stdout then stderr, decoded), `message` why it
// failed (also: a flake setting with a space or shell character, which the login shell would split). Rebuilds take
// minutes: the deadline is `timeout`, not the control's usual one.
net::asio::awaitable<ControlResult> run_agent_install_rebuild(
    WslDistroControlOptions wsl, const TraySettings& settings,
    std::chrono::milliseconds timeout = std::chrono::hours(1));

}  // namespace nixtray::tray
