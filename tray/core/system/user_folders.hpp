// Where this user's files go, as the platform names the places (tray/platform/posix: the XDG base
// directories; tray/platform/win: the known folders from the environment).
#pragma once

#include <filesystem>

namespace nixtray::tray {

// Settings: $XDG_CONFIG_HOME when absolute, else ~/.config; Windows: %APPDATA% (roaming).
std::filesystem::path user_config_folder();

// Data kept on this machine (a distro's disk): $XDG_DATA_HOME, else ~/.local/share; Windows:
// %LOCALAPPDATA%.
std::filesystem::path user_data_folder();

// Secrets that must not leave this machine (the agent's token): Windows %LOCALAPPDATA% (never
// roamed); elsewhere the settings folder, as XDG has no place of its own for them.
std::filesystem::path user_secrets_folder();

// Where a browser saves downloads: $XDG_DOWNLOAD_DIR, else ~/Downloads; Windows:
// %USERPROFILE%\Downloads.
std::filesystem::path downloads_folder();

}  // namespace nixtray::tray
