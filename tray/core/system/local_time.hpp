// The calendar time in this machine's time zone (localtime_r, or localtime_s on Windows).
#pragma once

#include <ctime>

namespace nixtray::tray {

std::tm local_time(std::time_t time);

}  // namespace nixtray::tray
