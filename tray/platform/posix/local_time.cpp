#include "core/system/local_time.hpp"

namespace nixtray::tray {

std::tm local_time(std::time_t time) {
  std::tm local{};
  localtime_r(&time, &local);
  return local;
}

}  // namespace nixtray::tray
