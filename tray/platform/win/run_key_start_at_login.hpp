// Start at login on Windows: a value in the user's Run key,
// HKCU\Software\Microsoft\Windows\CurrentVersion\Run, which Explorer starts at every logon. The
// value is a command line (the executable quoted, then the arguments by the C runtime's
// quoting); the installer writes the same value when autostart is chosen. Per user, no
// administrator rights.
#pragma once

#include "core/settings/start_at_login.hpp"

#include <string>
#include <vector>

namespace nixtray::platform {

struct RunKeyOptions {
  std::string value_name = "nixtray";
  std::string executable;  // absolute
  std::vector<std::string> arguments;
  // The key, under HKEY_CURRENT_USER. Tests use another one.
  std::string key = "Software\\Microsoft\\Windows\\CurrentVersion\\Run";
};

class RunKeyStartAtLogin final : public tray::StartAtLogin {
 public:
  explicit RunKeyStartAtLogin(RunKeyOptions options) : options_(std::move(options)) {}

  [[nodiscard]] bool enabled() const override;
  tray::StartAtLoginResult set_enabled(bool enabled) override;
  [[nodiscard]] std::string describe() const override;

  // What the value holds when enabled.
  [[nodiscard]] std::string command_line() const;
  // The value as it is now (empty when absent).
  [[nodiscard]] std::string current_value() const;

 private:
  RunKeyOptions options_;
};

}  // namespace nixtray::platform
