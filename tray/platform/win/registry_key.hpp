// One open key of the Windows registry, closed with the object, and its text values: what the
// Run key (start at login) and WSL's distro entries (a distro's virtual disk) are read through.
#pragma once

#include <windows.h>

#include <string>

namespace nixtray::platform {

class RegistryKey {
 public:
  // Opens `path` below `parent` for `access`; with `create`, makes it first when it is missing.
  RegistryKey(HKEY parent, const std::wstring& path, REGSAM access, bool create = false);
  ~RegistryKey();
  RegistryKey(const RegistryKey&) = delete;
  RegistryKey& operator=(const RegistryKey&) = delete;

  [[nodiscard]] bool open() const { return status_ == ERROR_SUCCESS; }
  [[nodiscard]] LSTATUS status() const { return status_; }
  [[nodiscard]] HKEY get() const { return key_; }

  // A REG_SZ value, or a REG_EXPAND_SZ one with its variables expanded; empty when absent or of
  // another type.
  [[nodiscard]] std::wstring text(const std::wstring& name) const;

 private:
  HKEY key_ = nullptr;
  LSTATUS status_ = ERROR_INVALID_HANDLE;
};

}  // namespace nixtray::platform
