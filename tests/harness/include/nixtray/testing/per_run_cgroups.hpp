#pragma once
// The cgroup directories a harness namespace lives in: one child "nixtray-harness-<launcher pid>" of this
// process's cgroup in every mounted hierarchy (cgroup v1 controllers, name=systemd, cgroup2). The namespace's
// cgroup namespace is rooted there, so its systemd creates its slices below them and never in the host's tree.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace nixtray::testing {

class PerRunCgroups {
 public:
  static constexpr const char* kPrefix = "nixtray-harness-";

  // Creates the directories for launcher_pid (cpuset.cpus/mems copied, or the cpuset one would be unusable)
  // and moves that process into all of them. Throws on failure (after removing what it created).
  static PerRunCgroups create_for(pid_t launcher_pid);

  PerRunCgroups() = default;
  const std::vector<std::filesystem::path>& directories() const { return dirs_; }
  pid_t launcher_pid() const { return pid_; }

  // Number of processes still in the tree (all hierarchies).
  size_t process_count() const;
  // rmdir of every directory below and including ours, deepest first, retried until timeout (the kernel
  // frees a cgroup shortly after its last task exits). True when all are gone.
  bool remove(std::chrono::milliseconds timeout);

  // Removes leftovers of crashed runs next to where ours would be: nixtray-harness-<pid> directories whose
  // pid no longer exists and that hold no process. Returns how many trees were removed.
  static int remove_stale();

  // True when this host has the hybrid layout the namespace needs (a name=systemd v1 hierarchy and cgroup2).
  static bool host_is_hybrid();

 private:
  pid_t pid_ = -1;
  std::vector<std::filesystem::path> dirs_;
};

}  // namespace nixtray::testing
