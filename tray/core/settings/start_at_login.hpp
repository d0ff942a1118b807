// Whether the tray starts when the user logs in, as the platform records it: an XDG autostart
// entry on Linux desktops (tray/platform/linux), the HKCU Run key on Windows (tray/platform/win).
// The platform's record is the truth; the settings' start_at_login follows it, so a user who
// removes the entry by hand sees the menu's check mark go.
#pragma once

#include <string>

namespace nixtray::tray {

struct StartAtLoginResult {
  bool ok = true;
  std::string message;  // why it failed, for a person
};

class StartAtLogin {
 public:
  virtual ~StartAtLogin() = default;
  StartAtLogin() = default;
  StartAtLogin(const StartAtLogin&) = delete;
  StartAtLogin& operator=(const StartAtLogin&) = delete;

  [[nodiscard]] virtual bool enabled() const = 0;
  virtual StartAtLoginResult set_enabled(bool enabled) = 0;
  // Where it is recorded, for the Settings page ("~/.config/autostart/nixtray.desktop").
  [[nodiscard]] virtual std::string describe() const = 0;
};

}  // namespace nixtray::tray
