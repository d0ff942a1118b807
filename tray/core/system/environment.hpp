// An environment variable's value, empty when it is not set.
#pragma once

#include <cstdlib>
#include <string>

namespace nixtray::tray {

inline std::string environment_variable(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

}  // namespace nixtray::tray
