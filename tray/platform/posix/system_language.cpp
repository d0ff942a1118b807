#include "core/system/system_language.hpp"

namespace nixtray::tray {

std::optional<std::string> system_ui_language() { return std::nullopt; }

}  // namespace nixtray::tray
