#include "win/run_key_start_at_login.hpp"

#include "nixtray/net/windows_child.hpp"
#include "nixtray/net/windows_command_line.hpp"

#include <windows.h>

namespace nixtray::platform {

namespace {

using net::windows::narrow;
using net::windows::widen;

class RunKey {
 public:
  RunKey(const std::string& path, REGSAM access) {
    status_ = ::RegCreateKeyExW(HKEY_CURRENT_USER, widen(path).c_str(), 0, nullptr, 0, access, nullptr, &key_, nullptr);
  }
  ~RunKey() {
    if (status_ == ERROR_SUCCESS) ::RegCloseKey(key_);
  }
  RunKey(const RunKey&) = delete;
  RunKey& operator=(const RunKey&) = delete;

  [[nodiscard]] LSTATUS status() const { return status_; }
  [[nodiscard]] HKEY get() const { return key_; }

 private:
  HKEY key_ = nullptr;
  LSTATUS status_ = ERROR_INVALID_HANDLE;
};

}  // namespace

std::string RunKeyStartAtLogin::command_line() const {
  std::vector<std::string> argv{options_.executable};
  argv.insert(argv.end(), options_.arguments.begin(), options_.arguments.end());
  // Always quoted: Explorer splits an unquoted path with spaces ("C:\Program Files\...") wrongly.
  auto line = "\"" + options_.executable + "\"";
  for (std::size_t i = 1; i < argv.size(); ++i) line += " " + net::quote_windows_argument(argv[i]);
  return line;
}

std::string RunKeyStartAtLogin::current_value() const {
  RunKey key(options_.key, KEY_QUERY_VALUE);
  if (key.status() != ERROR_SUCCESS) return {};
  const auto name = widen(options_.value_name);
  DWORD type = 0;
  DWORD bytes = 0;
  if (::RegQueryValueExW(key.get(), name.c_str(), nullptr, &type, nullptr, &bytes) != ERROR_SUCCESS ||
      (type != REG_SZ && type != REG_EXPAND_SZ)) {
    return {};
  }
  std::wstring value(bytes / sizeof(wchar_t) + 1, L'\0');
  if (::RegQueryValueExW(key.get(), name.c_str(), nullptr, &type, reinterpret_cast<BYTE*>(value.data()), &bytes) !=
      ERROR_SUCCESS) {
    return {};
  }
  value.resize(bytes / sizeof(wchar_t));
  while (!value.empty() && value.back() == L'\0') value.pop_back();
  return narrow(value);
}

bool RunKeyStartAtLogin::enabled() const { return !current_value().empty(); }

tray::StartAtLoginResult RunKeyStartAtLogin::set_enabled(bool enabled) {
  RunKey key(options_.key, KEY_SET_VALUE | KEY_QUERY_VALUE);
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
