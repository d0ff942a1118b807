#include "core/system/wsl_virtual_disk.hpp"

#include "nixtray/net/windows_child.hpp"

#include <windows.h>

#include <vector>

namespace nixtray::tray {

namespace {

using net::windows::narrow;
using net::windows::widen;

class Key {
 public:
  Key(HKEY parent, const std::wstring& path) { status_ = ::RegOpenKeyExW(parent, path.c_str(), 0, KEY_READ, &key_); }
  ~Key() {
    if (status_ == ERROR_SUCCESS) ::RegCloseKey(key_);
  }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;

  [[nodiscard]] bool open() const { return status_ == ERROR_SUCCESS; }
  [[nodiscard]] HKEY get() const { return key_; }

  // A REG_SZ or REG_EXPAND_SZ value (expanded), empty when absent.
  [[nodiscard]] std::wstring text(const wchar_t* name) const {
    DWORD type = 0;
    DWORD bytes = 0;
    if (::RegQueryValueExW(key_, name, nullptr, &type, nullptr, &bytes) != ERROR_SUCCESS ||
        (type != REG_SZ && type != REG_EXPAND_SZ)) {
      return {};
    }
    std::wstring value(bytes / sizeof(wchar_t) + 1, L'\0');
    if (::RegQueryValueExW(key_, name, nullptr, &type, reinterpret_cast<BYTE*>(value.data()), &bytes) !=
        ERROR_SUCCESS) {
      return {};
    }
    value.resize(::wcsnlen(value.c_str(), bytes / sizeof(wchar_t)));
    if (type == REG_EXPAND_SZ) {
      std::wstring expanded(::ExpandEnvironmentStringsW(value.c_str(), nullptr, 0), L'\0');
      const auto written =
          ::ExpandEnvironmentStringsW(value.c_str(), expanded.data(), static_cast<DWORD>(expanded.size()));
      if (written == 0) return {};
      expanded.resize(written - 1);
      return expanded;
    }
    return value;
  }

 private:
  HKEY key_ = nullptr;
  LSTATUS status_ = ERROR_INVALID_HANDLE;
};

std::vector<std::wstring> subkeys(const Key& key) {
  std::vector<std::wstring> names;
  for (DWORD i = 0;; ++i) {
    wchar_t name[256];
    DWORD length = 256;
    const auto status = ::RegEnumKeyExW(key.get(), i, name, &length, nullptr, nullptr, nullptr, nullptr);
    if (status == ERROR_NO_MORE_ITEMS) break;
    if (status == ERROR_SUCCESS) names.emplace_back(name, length);
  }
  return names;
}

// WSL writes BasePath as \\?\C:\... on some versions: the long-path prefix is not part of the
// name a person reads.
std::wstring without_long_path_prefix(std::wstring path) {
  constexpr std::wstring_view prefix = L"\\\\?\\";
  if (path.starts_with(prefix)) path.erase(0, prefix.size());
  return path;
}

}  // namespace

std::optional<VirtualDisk> wsl_virtual_disk(const std::string& distro, std::string_view registry_key) {
  const Key lxss(HKEY_CURRENT_USER, widen(registry_key));
  if (!lxss.open()) return std::nullopt;
  for (const auto& name : subkeys(lxss)) {
    const Key entry(lxss.get(), name);
    if (!entry.open() || ::CompareStringOrdinal(entry.text(L"DistributionName").c_str(), -1, widen(distro).c_str(), -1,
                                                TRUE) != CSTR_EQUAL) {
      continue;
    }
    const auto base = without_long_path_prefix(entry.text(L"BasePath"));
    if (base.empty()) return std::nullopt;
    auto file_name = entry.text(L"VhdFileName");
    if (file_name.empty()) file_name = L"ext4.vhdx";
    const auto path = base + (base.ends_with(L'\\') ? L"" : L"\\") + file_name;
    WIN32_FILE_ATTRIBUTE_DATA attributes{};
    if (!::GetFileAttributesExW(path.c_str(), GetFileExInfoStandard, &attributes)) return std::nullopt;
    VirtualDisk disk;
    disk.file = narrow(path);
    disk.bytes = (static_cast<std::uint64_t>(attributes.nFileSizeHigh) << 32) | attributes.nFileSizeLow;
    return disk;
  }
  return std::nullopt;
}

}  // namespace nixtray::tray
