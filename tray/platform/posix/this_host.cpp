#include "core/system/this_host.hpp"

#include <unistd.h>

namespace nixtray::tray {

bool is_wsl_host() { return false; }

bool root_prefix_needed() { return ::geteuid() != 0; }

}  // namespace nixtray::tray
