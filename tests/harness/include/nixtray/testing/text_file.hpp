#pragma once
// A whole file as text; empty when it cannot be read (logs that a failed run never wrote). And the
// lines of a text.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace nixtray::testing {

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The lines of `text` without their '\n'; `skip_empty` leaves out the empty ones.
inline std::vector<std::string> lines_of(const std::string& text, bool skip_empty = false) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!skip_empty || !line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace nixtray::testing
