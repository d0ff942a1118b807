// How large a WSL distro's virtual disk (ext4.vhdx) is on Windows. WSL 2 keeps each distro's file
// system in that file; it grows with what the distro writes and does not shrink by itself, so what
// the distro frees (a garbage collection) stays taken on the Windows drive until it is compacted.
// The Space window compares the two (core/state/virtual_disk_advice.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nixtray::tray {

struct VirtualDisk {
  std::string file;  // as Windows names it: C:\Users\ana\AppData\Local\...\ext4.vhdx
  std::uint64_t bytes = 0;
};

// Where WSL registers the distros of the current user, under HKEY_CURRENT_USER: one subkey per
// distro with DistributionName, BasePath (the folder) and, on newer WSL, VhdFileName.
inline constexpr std::string_view wsl_registry_key = "Software\\Microsoft\\Windows\\CurrentVersion\\Lxss";

// On Windows: `distro`'s virtual disk and its size. Empty when the distro is not registered under
// `registry_key` (tests pass their own key), has no virtual disk (WSL 1), or the file cannot be
// read. Elsewhere always empty: no WSL host.
std::optional<VirtualDisk> wsl_virtual_disk(const std::string& distro,
                                            std::string_view registry_key = wsl_registry_key);

}  // namespace nixtray::tray
