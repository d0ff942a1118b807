#include "linux/xdg_autostart.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace nixtray::platform {

namespace fs = std::filesystem;

XdgAutostart::XdgAutostart(XdgAutostartOptions options) : options_(std::move(options)) {
  if (options_.config_home.empty()) {
    options_.config_home = default_config_home();
  }
  entry_path_ = options_.config_home / "autostart" / "nixtray.desktop";
}

fs::path XdgAutostart::default_config_home() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg && fs::path(xdg).is_absolute()) {
    return xdg;
  }
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".config";
}

bool XdgAutostart::enabled() const {
  std::ifstream in(entry_path_);
  if (!in) {
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line == "Hidden=true" || line == "X-GNOME-Autostart-enabled=false") {
      return false;
    }
  }
  return true;
}

tray::StartAtLoginResult XdgAutostart::set_enabled(bool enabled) {
  std::error_code ec;
  if (!enabled) {
    fs::remove(entry_path_, ec);
    if (ec) {
      return {false, "cannot remove " + entry_path_.string() + ": " + ec.message()};
    }
    return {};
  }
  fs::create_directories(entry_path_.parent_path(), ec);
  if (ec) {
    return {false, "cannot create " + entry_path_.parent_path().string() + ": " + ec.message()};
  }
  // Written next to the entry, then renamed over it: the session never reads half a file.
  const fs::path temporary = entry_path_.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << autostart_entry_text(options_.executable, options_.arguments);
    out.close();
    if (!out) {
      fs::remove(temporary, ec);
      return {false, "cannot write " + temporary.string()};
    }
  }
  fs::rename(temporary, entry_path_, ec);
  if (ec) {
    fs::remove(temporary, ec);
    return {false, "cannot write " + entry_path_.string() + ": " + ec.message()};
  }
  return {};
}

std::string desktop_exec_quote(const std::string& argument) {
  // Desktop Entry spec, "The Exec key": reserved characters need double quotes; inside them ",
  // `, $ and \ are escaped with a backslash. A literal % is written %%. Then the value itself is a
  // string, where a backslash is written \\ again.
  const std::string reserved = " \t\n\"'\\><~|&;$*?#()`";
  bool quote = argument.empty();
  std::string body;
  for (const char c : argument) {
    if (reserved.find(c) != std::string::npos) quote = true;
    if (c == '%') {
      body += "%%";
    } else if (c == '"' || c == '`' || c == '$' || c == '\\') {
      body += '\\';
      body += c;
    } else {
      body += c;
    }
  }
  std::string out = quote ? "\"" + body + "\"" : body;
  std::string escaped;
  for (const char c : out) {
    if (c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string autostart_entry_text(const std::string& executable, const std::vector<std::string>& arguments) {
  std::ostringstream out;
  std::string exec = desktop_exec_quote(executable);
  for (const auto& argument : arguments) {
    exec += " " + desktop_exec_quote(argument);
  }
  out << "[Desktop Entry]\n"
      << "Type=Application\n"
      << "Name=nixtray\n"
      << "Comment=NixOS status, rebuilds and rollbacks in the system tray\n"
      << "Comment[ja]=NixOS の状態・リビルド・ロールバックをシステムトレイに表示\n"
      << "Exec=" << exec << "\n"
      << "Icon=nixtray\n"
      << "Terminal=false\n"
      << "Categories=System;Monitor;\n"
      << "StartupWMClass=nixtray\n"
      << "X-GNOME-Autostart-enabled=true\n"
      << "X-GNOME-Autostart-Delay=5\n";
  return out.str();
}

}  // namespace nixtray::platform
