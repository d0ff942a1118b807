#include "jobs/external_rebuild_detector.hpp"

#include <fstream>
#include <sstream>
#include <vector>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

std::string read_whole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> split_nul(const std::string& text) {
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

bool is_rebuild_program(const std::string& path) {
  const auto name = fs::path(path).filename().string();
  // nixos-rebuild is a shell script (run as `bash .../nixos-rebuild`); NixOS wraps programs as
  // `.name-wrapped`.
  return name == "nixos-rebuild" || name == ".nixos-rebuild-wrapped" || name == "nixos-rebuild-ng" ||
         name == "switch-to-configuration" || name == ".switch-to-configuration-wrapped";
}

}  // namespace

std::optional<std::string> find_external_rebuild(const fs::path& proc) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(proc, ec)) {
    const auto pid = entry.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto argv = split_nul(read_whole(entry.path() / "cmdline"));
    if (argv.empty()) continue;
    std::optional<std::string> program;
    if (is_rebuild_program(argv[0])) {
      program = fs::path(argv[0]).filename().string();
    } else if (argv.size() > 1 && is_rebuild_program(argv[1])) {
      program = fs::path(argv[1]).filename().string();  // an interpreter running the script
    }
    if (!program) continue;
    if (read_whole(entry.path() / "cgroup").find("nixtray-job-") != std::string::npos) continue;
    return *program + " (pid " + pid + ")";
  }
  return std::nullopt;
}

}  // namespace nixtray::agent
