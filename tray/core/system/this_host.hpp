// What kind of machine the tray runs on, where the settings leave it open.
#pragma once

namespace nixtray::tray {

// Whether this machine hosts WSL distros (Windows): then a distro is controlled with wsl.exe and
// its agent reached through the wsl.exe bridge by default; elsewhere the agent runs on this
// machine.
bool is_wsl_host();

// Whether running a command as root here needs an elevation prefix (pkexec): POSIX when we are
// not root; never on Windows, which has no such prefix.
bool root_prefix_needed();

}  // namespace nixtray::tray
