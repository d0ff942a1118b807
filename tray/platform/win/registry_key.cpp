#include "win/registry_key.hpp"

namespace nixtray::platform {

RegistryKey::RegistryKey(HKEY parent, const std::wstring& path, REGSAM access, bool create) {
  status_ = create ? ::RegCreateKeyExW(parent, path.c_str(), 0, nullptr, 0, access, nullptr, &key_, nullptr)
                   : ::RegOpenKeyExW(parent, path.c_str(), 0, access, &key_);
}

RegistryKey::~RegistryKey() {
  if (open()) ::RegCloseKey(key_);
}

std::wstring RegistryKey::text(const std::wstring& name) const {
  DWORD type = 0;
  DWORD bytes = 0;
  if (::RegQueryValueExW(key_, name.c_str(), nullptr, &type, nullptr, &bytes) != ERROR_SUCCESS ||
      (type != REG_SZ && type != REG_EXPAND_SZ)) {
    return {};
  }
  std::wstring value(bytes / sizeof(wchar_t) + 1, L'\0');
  if (::RegQueryValueExW(key_, name.c_str(), nullptr, &type, reinterpret_cast<BYTE*>(value.data()), &bytes) !=
      ERROR_SUCCESS) {
    return {};
  }
  value.resize(::wcsnlen(value.c_str(), bytes / sizeof(wchar_t)));  // without the stored terminator(s)
  if (type != REG_EXPAND_SZ) return value;
  std::wstring expanded(::ExpandEnvironmentStringsW(value.c_str(), nullptr, 0), L'\0');
  const auto written = ::ExpandEnvironmentStringsW(value.c_str(), expanded.data(), static_cast<DWORD>(expanded.size()));
  if (written == 0) return {};
  expanded.resize(written - 1);
  return expanded;
}

}  // namespace nixtray::platform
