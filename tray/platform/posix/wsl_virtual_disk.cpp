#include "core/system/wsl_virtual_disk.hpp"

namespace nixtray::tray {

std::optional<VirtualDisk> wsl_virtual_disk(const std::string&, std::string_view) { return std::nullopt; }

}  // namespace nixtray::tray
