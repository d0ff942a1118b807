#include "core/system/this_program.hpp"

#include <system_error>

namespace nixtray::tray {

std::filesystem::path this_program_path() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : path;
}

void print_utf8_to_console() {}

}  // namespace nixtray::tray
