#include "core/system/wsl_virtual_disk.hpp"

#include "win/registry_key.hpp"

#include "nixtray/net/windows_child.hpp"

#include <windows.h>

#include <vector>

namespace nixtray::tray {

namespace {

using net::windows::narrow;
using net::windows::widen;

std::vector<std::wstring> subkeys(const platform::RegistryKey& key) {
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
  const platform::RegistryKey lxss(HKEY_CURRENT_USER, widen(registry_key), KEY_READ);
  if (!lxss.open()) return std::nullopt;
  for (const auto& name : subkeys(lxss)) {
    const platform::RegistryKey entry(lxss.get(), name, KEY_READ);
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
