#include "jobs/process_info.hpp"

#include <fstream>
#include <sstream>

namespace nixtray::agent {

namespace {

// Enough for any cmdline the kernel shows (it caps what it shows at a page per argument area
// read), cgroup and status files; a process cannot make the agent read more.
constexpr std::streamsize max_process_file_bytes = 256 * 1024;

}  // namespace

std::string read_process_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(max_process_file_bytes), '\0');
  in.read(text.data(), max_process_file_bytes);
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::vector<std::string> read_process_argv(const std::filesystem::path& process_dir) {
  const auto text = read_process_file(process_dir / "cmdline");
  std::vector<std::string> parts;
  std::string part;
  for (const char c : text) {
    if (c == '\0') {
      parts.push_back(std::move(part));
      part.clear();
    } else {
      part.push_back(c);
    }
  }
  if (!part.empty()) parts.push_back(std::move(part));
  return parts;
}

bool runs_as_root(const std::filesystem::path& process_dir) {
  std::istringstream status(read_process_file(process_dir / "status"));
  for (std::string line; std::getline(status, line);) {
    if (!line.starts_with("Uid:")) continue;
    std::istringstream ids(line.substr(4));
    int count = 0;
    for (long id = -1; ids >> id; ++count) {
      if (id != 0) return false;
    }
    return count == 4;
  }
  return false;
}

}  // namespace nixtray::agent
