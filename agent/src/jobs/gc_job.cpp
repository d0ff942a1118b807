#include "jobs/gc_job.hpp"

#include "jobs/job_markers.hpp"
#include "jobs/job_runner.hpp"
#include "jobs/runner_command.hpp"
#include "nix/nix_store_location.hpp"
#include "nix/store_disk_usage.hpp"
#include "state/profile_scan.hpp"

#include "nixtray/text/byte_size.hpp"

#include <algorithm>
#include <fstream>

namespace nixtray::agent {

namespace fs = std::filesystem;
using protocol::JobPhase;

namespace {

// Which generations go: with keep, all but the newest K; with older_than_days, those created
// before the limit; with both, those that are neither among the newest K nor younger.
std::vector<std::string> doomed_generations(const JobSpec& spec) {
  const auto scan = scan_profile(spec.profile.parent_path(), spec.profile.filename().string());
  auto links = scan.links;
  std::sort(links.begin(), links.end(), [](const auto& a, const auto& b) { return a.number > b.number; });
  std::vector<std::string> doomed;
  for (std::size_t i = 0; i < links.size(); ++i) {
    const int number = links[i].number;
    const bool kept_by_protection = std::find(spec.protected_generations.begin(), spec.protected_generations.end(),
                                              number) != spec.protected_generations.end();
    const bool among_newest = spec.args.keep && i < static_cast<std::size_t>(*spec.args.keep);
    const bool young =
        spec.args.older_than_days && links[i].created > spec.created - std::int64_t{*spec.args.older_than_days} * 86400;
    const bool kept_by_rule =
        among_newest || (spec.args.older_than_days && young) || (!spec.args.keep && !spec.args.older_than_days);
    if (kept_by_protection && !kept_by_rule) {
      say_in_log("keeping generation " + std::to_string(number) + " (default, current, booted or known-good)");
    }
    if (!kept_by_protection && !kept_by_rule) doomed.push_back(std::to_string(number));
  }
  return doomed;
}

struct DeadPaths {
  int count = 0;
  std::int64_t bytes = 0;
};

// What a collection would delete now (nix-store --gc --print-dead into a file: the list can be
// long), and its disk usage. Paths that die between this and the collection are not counted.
std::optional<DeadPaths> measure_dead_paths(const JobFiles& files) {
  const auto list = files.work() / "dead-paths";
  CommandOptions options;
  options.stdout_file = list;
  if (run_command({"nix-store", "--gc", "--print-dead"}, files.work(), options).exit_code != 0) return std::nullopt;
  StoreDiskUsage usage(NixStoreLocation::from_environment().store_dir);
  DeadPaths dead;
  std::ifstream in(list);
  std::string path;
  while (std::getline(in, path)) {
    if (path.empty()) continue;
    ++dead.count;
    dead.bytes += usage.unregistered(path);
  }
  std::error_code ec;
  fs::remove(list, ec);
  return dead;
}

}  // namespace

int run_gc_job(const JobSpec& spec, const JobFiles& files) {
  say_in_log(phase_marker(JobPhase::deleting));
  const auto doomed = doomed_generations(spec);
  if (doomed.empty()) {
    say_in_log("no generation to delete");
  } else {
    std::vector<std::string> argv = {"nix-env", "-p", spec.profile.string(), "--delete-generations"};
    argv.insert(argv.end(), doomed.begin(), doomed.end());
    if (run_command(argv, files.work()).exit_code != 0) {
      return fail_job(protocol::FailureKind::internal, "nix-env could not delete old generations", job_command_failed);
    }
  }
  say_in_log(phase_marker(JobPhase::collecting));
  const auto dead = measure_dead_paths(files);
  if (!dead) {
    return fail_job(protocol::FailureKind::internal, "nix-store --gc --print-dead failed", job_command_failed);
  }
  CommandOptions quiet_tail;
  quiet_tail.capture_tail = true;
  if (run_command({"nix-store", "--gc"}, files.work(), quiet_tail).exit_code != 0) {
    return fail_job(protocol::FailureKind::internal, "nix-store --gc failed", job_command_failed);
  }
  const std::string note = "deleted " + std::to_string(doomed.size()) + " generations and " +
                           std::to_string(dead->count) + " store paths: " + text::format_bytes(dead->bytes) + " freed";
  say_in_log(note);
  say_in_log(result_marker(note));
  say_in_log(freed_marker(dead->bytes));
  say_in_log(phase_marker(JobPhase::done));
  return job_succeeded;
}

}  // namespace nixtray::agent
