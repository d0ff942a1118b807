#include "jobs/external_rebuild_detector.hpp"

#include "jobs/process_info.hpp"

#include <vector>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

bool is_rebuild_program(const std::string& path) {
  const auto name = fs::path(path).filename().string();
  // nixos-rebuild is a shell script (run as `bash .../nixos-rebuild`); NixOS wraps programs as
  // `.name-wrapped`.
  return name == "nixos-rebuild" || name == ".nixos-rebuild-wrapped" || name == "nixos-rebuild-ng" ||
         name == "switch-to-configuration" || name == ".switch-to-configuration-wrapped";
}

// Whether a line of /proc/PID/cgroup ("0::/system.slice/nixtray-job-12.service") puts the process
// in one of nixtray's job units: a path component that is exactly nixtray-job-<digits>.service.
bool in_job_unit(const std::string& cgroup_file) {
  std::size_t start = 0;
  while (start < cgroup_file.size()) {
    const auto end = cgroup_file.find_first_of("/\n", start);
    const auto part = std::string_view(cgroup_file).substr(start, end == std::string::npos ? end : end - start);
    constexpr std::string_view prefix = "nixtray-job-";
    constexpr std::string_view suffix = ".service";
    if (part.size() > prefix.size() + suffix.size() && part.starts_with(prefix) && part.ends_with(suffix)) {
      const auto digits = part.substr(prefix.size(), part.size() - prefix.size() - suffix.size());
      if (digits.find_first_not_of("0123456789") == std::string_view::npos) return true;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::optional<std::string> find_external_rebuild(const fs::path& proc) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(proc, ec)) {
    const auto pid = entry.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto argv = read_process_argv(entry.path());
    if (argv.empty()) continue;
    std::optional<std::string> program;
    if (is_rebuild_program(argv[0])) {
      program = fs::path(argv[0]).filename().string();
    } else if (argv.size() > 1 && is_rebuild_program(argv[1])) {
      program = fs::path(argv[1]).filename().string();  // an interpreter running the script
    }
    if (!program || !runs_as_root(entry.path())) continue;
    if (in_job_unit(read_process_file(entry.path() / "cgroup"))) continue;
    return *program + " (pid " + pid + ")";
  }
  return std::nullopt;
}

}  // namespace nixtray::agent
