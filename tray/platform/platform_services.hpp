// What the tray needs from the operating system beyond wx, one implementation per platform
// (linux/: XDG autostart, the X tray host's comings and goings; win/: the Run key). The GUI
// includes only this header.
#pragma once

#include "core/settings/start_at_login.hpp"

#include <memory>
#include <string>
#include <vector>

namespace nixtray::platform {

// Start at login for this executable, started with these arguments (e.g. --config FILE when the
// settings file is not the default one).
std::unique_ptr<tray::StartAtLogin> make_start_at_login(std::string executable, std::vector<std::string> arguments);

// Tells when a tray host (what shows tray icons) comes or goes, without polling: the GUI watches
// fd() for input in its event loop and then asks owner_changed().
class TrayHostWatch {
 public:
  virtual ~TrayHostWatch() = default;
  [[nodiscard]] virtual int fd() const = 0;
  // Reads what arrived; true when the tray host may have changed (look again).
  virtual bool owner_changed() = 0;
  [[nodiscard]] virtual std::string describe() const = 0;
};

// nullptr where there is nothing to watch (Windows: its taskbar is always there) or where it
// cannot be watched (no X display, no XFixes): then the GUI has to look now and then.
std::unique_ptr<TrayHostWatch> watch_tray_host();

}  // namespace nixtray::platform
