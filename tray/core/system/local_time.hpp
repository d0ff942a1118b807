// The calendar time in this machine's time zone (localtime_r, or localtime_s on Windows).
#pragma once

#include <cstdint>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <string>

namespace nixtray::tray {

std::tm local_time(std::time_t time);

// Unix seconds as this machine's local time, strftime's `format` ("2024-06-01 14:05").
inline std::string local_time_text(std::int64_t unix_seconds, const char* format = "%Y-%m-%d %H:%M") {
  const auto local = local_time(static_cast<std::time_t>(unix_seconds));
  std::ostringstream out;
  out << std::put_time(&local, format);
  return out.str();
}

}  // namespace nixtray::tray
