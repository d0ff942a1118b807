#include "core/system/resource_paths.hpp"

#include <cstdlib>
#include <system_error>

namespace nixtray::tray {

namespace fs = std::filesystem;

ResourcePaths find_resources(const fs::path& executable) {
  std::vector<fs::path> shares;
  if (const char* data = std::getenv("NIXTRAY_DATA_DIR"); data && *data) {
    shares.emplace_back(data);
  }
  const auto dir = executable.parent_path();
  shares.push_back(dir.parent_path() / "share");
  shares.push_back(dir / "share");

  ResourcePaths paths;
  std::error_code ec;
  for (const auto& share : shares) {
    paths.searched.push_back(share);
    if (paths.icons.empty() && fs::exists(share / "nixtray" / "icons" / "running-16.png", ec)) {
      paths.icons = share / "nixtray" / "icons";
    }
    if (paths.locale.empty() && fs::exists(share / "locale" / "ja" / "LC_MESSAGES" / "nixtray.mo", ec)) {
      paths.locale = share / "locale";
    }
  }
  return paths;
}

}  // namespace nixtray::tray
