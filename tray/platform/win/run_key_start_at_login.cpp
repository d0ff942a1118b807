#include "win/run_key_start_at_login.hpp"

#include "win/registry_key.hpp"

#include "nixtray/net/windows_child.hpp"
#include "nixtray/net/windows_command_line.hpp"

#include <windows.h>

namespace nixtray::platform {

using net::windows::narrow;
using net::windows::widen;

std::string RunKeyStartAtLogin::command_line() const {
  std::vector<std::string> argv{options_.executable};
  argv.insert(argv.end(), options_.arguments.begin(), options_.arguments.end());
  // Always quoted: Explorer splits an unquoted path with spaces ("C:\Program Files\...") wrongly.
  auto line = "\"" + options_.executable + "\"";
  for (std::size_t i = 1; i < argv.size(); ++i) line += " " + net::quote_windows_argument(argv[i]);
  return line;
}

std::string RunKeyStartAtLogin::current_value() const {
  // The Run key (or the tests' own) is created when missing, as it is for writing.
  const RegistryKey key(HKEY_CURRENT_USER, widen(options_.key), KEY_QUERY_VALUE, true);
  return key.open() ? narrow(key.text(widen(options_.value_name))) : std::string();
}

bool RunKeyStartAtLogin::enabled() const { return !current_value().empty(); }

tray::StartAtLoginResult RunKeyStartAtLogin::set_enabled(bool enabled) {
  const RegistryKey key(HKEY_CURRENT_USER, widen(options_.key), KEY_SET_VALUE | KEY_QUERY_VALUE, true);
  if (key.status() != ERROR_SUCCESS) {
    return {false, "cannot open HKCU\\" + options_.key + ": " + net::windows::error_text(key.status())};
  }
  const auto name = widen(options_.value_name);
  if (!enabled) {
    const auto status = ::RegDeleteValueW(key.get(), name.c_str());
    if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND) {
      return {false, "cannot remove " + describe() + ": " + net::windows::error_text(status)};
    }
    return {};
  }
  const auto value = widen(command_line());
  const auto status = ::RegSetValueExW(key.get(), name.c_str(), 0, REG_SZ, reinterpret_cast<const BYTE*>(value.c_str()),
                                       static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t)));
  if (status != ERROR_SUCCESS) {
    return {false, "cannot write " + describe() + ": " + net::windows::error_text(status)};
  }
  return {};
}

std::string RunKeyStartAtLogin::describe() const { return "HKCU\\" + options_.key + " (" + options_.value_name + ")"; }

}  // namespace nixtray::platform
