// The GC roots of rebuild jobs. A job's working directory lies in the agent's state directory, and
// `nixos-rebuild build` leaves ./result there: an indirect root (Nix records it under
// gcroots/auto/), so every system ever built stayed in the store and `gc` could never free it.
// So, when a job ends, its ./result and the auto root for it go: a switch or boot job's system is
// kept by the profile generation it became, a test job's by /run/current-system (NixOS roots it).
//
// A `build` job's result must stay activatable until it is used or superseded (the tray reviews
// its diff first). nixos-rebuild keeps a result either as a generation of the profile
// (`nix-env -p PROFILE --set`, for switch and boot) or as ./result in the caller's directory (build,
// test), which is the caller's to remove; nh builds into an out-link in a temporary directory that
// lives as long as the command, or into ./result for `nh os build`. Neither fits a daemon whose
// caller has no directory. So a build job's result gets a direct root of its own, named after the
// job, where Nix looks for roots and where an administrator finds them:
//   <NIX_STATE_DIR or /nix/var/nix>/gcroots/nixtray/job-<id>  ->  /nix/store/...-nixos-system-...
// At most one exists: a newer build replaces it; it goes when its system becomes a generation (a
// switch or boot of it) and when its job record is gone. Never a root in the state directory.
#pragma once

#include "jobs/job_files.hpp"
#include "nixtray/protocol/jobs.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

// A succeeded `build` job with a result: it left a system to activate later, which gets a root here.
bool built_a_system(const protocol::Job& job);

class BuildResultRoots {
 public:
  // nix_state_dir: Nix's state directory (NIX_STATE_DIR, default /nix/var/nix).
  explicit BuildResultRoots(std::filesystem::path nix_state_dir);

  // Roots `store_path` as job `id`'s result and drops every other build job's root (superseded).
  // Throws std::runtime_error naming the root when it cannot be created.
  void keep(const std::string& id, const std::filesystem::path& store_path);
  // Drops job `id`'s root, if it has one.
  void release(const std::string& id);
  // The store path job `id`'s root points at, when it has one.
  [[nodiscard]] std::optional<std::filesystem::path> held(const std::string& id) const;
  // Every build job's root: job id -> store path.
  [[nodiscard]] std::map<std::string, std::filesystem::path> all() const;

  // Removes the roots the jobs' runners left behind: ./result in their working directories and
  // Nix's indirect roots (gcroots/auto/*) that point anywhere into their directories (one look
  // at gcroots/auto for all of them).
  void release_work_roots(const std::vector<JobFiles>& jobs) const;

  // What a job that just ended leaves behind: a succeeded build job's result rooted (and the
  // previous one dropped), a system that became a generation (switch, boot) no longer rooted as a
  // build result, and no root in its working directory. Failures are logged, never thrown: a root
  // that could not be made costs a rebuild, not the job's record.
  void settle(const protocol::Job& job, const JobFiles& files);

  [[nodiscard]] const std::filesystem::path& directory() const { return roots_dir_; }

 private:
  std::filesystem::path nix_state_dir_;
  std::filesystem::path roots_dir_;  // <nix state>/gcroots/nixtray
};

}  // namespace nixtray::agent
