// Where the rendered icons and the compiled catalogs are (nixtray's both, nixtrayctl's catalogs),
// found relative to the executable so
// the same binary works from the build tree (build/tray/nixtray → build/share/...) and after
// installing (prefix/bin/nixtray → prefix/share/...); a Windows install keeps share/ next to the
// .exe. NIXTRAY_DATA_DIR (a directory holding nixtray/icons and locale) overrides both.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nixtray::tray {

struct ResourcePaths {
  std::filesystem::path icons;                  // <share>/nixtray/icons: <icon>-<size>.png
  std::filesystem::path locale;                 // <share>/locale: <lang>/LC_MESSAGES/nixtray.mo
  std::vector<std::filesystem::path> searched;  // for the message when something is missing
};

ResourcePaths find_resources(const std::filesystem::path& executable);

}  // namespace nixtray::tray
