#include "core/system/this_host.hpp"

namespace nixtray::tray {

bool is_wsl_host() { return true; }

bool root_prefix_needed() { return false; }

}  // namespace nixtray::tray
