// Start at login on Linux desktops: an XDG autostart entry, $XDG_CONFIG_HOME/autostart/nixtray.desktop
// (~/.config when XDG_CONFIG_HOME is unset or not absolute, as the XDG base directory spec says).
// The desktop session starts every entry there at login unless it says Hidden=true (or GNOME's
// X-GNOME-Autostart-enabled=false). Written atomically; switching off removes the file.
#pragma once

#include "core/settings/start_at_login.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace nixtray::platform {

struct XdgAutostartOptions {
  std::filesystem::path config_home;  // empty: default_config_home()
  std::string executable;             // an absolute path: the session has no PATH we can count on
  std::vector<std::string> arguments;
};

class XdgAutostart final : public tray::StartAtLogin {
 public:
  explicit XdgAutostart(XdgAutostartOptions options);

  static std::filesystem::path default_config_home();

  [[nodiscard]] const std::filesystem::path& entry_path() const { return entry_path_; }
  [[nodiscard]] bool enabled() const override;
  tray::StartAtLoginResult set_enabled(bool enabled) override;
  [[nodiscard]] std::string describe() const override { return entry_path_.string(); }

 private:
  XdgAutostartOptions options_;
  std::filesystem::path entry_path_;
};

// The entry's text. Exec follows the Desktop Entry spec's quoting (reserved characters quoted,
// '%' doubled), so a path with spaces survives.
std::string autostart_entry_text(const std::string& executable, const std::vector<std::string>& arguments);
std::string desktop_exec_quote(const std::string& argument);

}  // namespace nixtray::platform
