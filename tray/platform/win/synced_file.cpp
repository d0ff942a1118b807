#include "core/system/synced_file.hpp"

#include <fstream>
#include <stdexcept>

namespace nixtray::tray {

void write_synced_file(const std::filesystem::path& file, const std::string& content) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << content;
  out.flush();
  if (!out) {
    throw std::runtime_error("cannot write " + file.string());
  }
}

}  // namespace nixtray::tray
