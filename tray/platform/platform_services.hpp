// What the tray needs from the operating system beyond wx, one implementation per platform
// (linux/: XDG autostart; windows/: the Run key). The GUI includes only this header.
#pragma once

#include "core/start_at_login.hpp"

#include <memory>
#include <string>
#include <vector>

namespace nixtray::platform {

// Start at login for this executable, started with these arguments (e.g. --config FILE when the
// settings file is not the default one).
std::unique_ptr<tray::StartAtLogin> make_start_at_login(std::string executable, std::vector<std::string> arguments);

}  // namespace nixtray::platform
