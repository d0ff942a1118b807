#pragma once
// A whole file as text; empty when it cannot be read (logs that a failed run never wrote).
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nixtray::testing {

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace nixtray::testing
