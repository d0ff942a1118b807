// Who keeps what in the Nix store, and what deleting it would free: the arithmetic of the space
// report, pure (no file system). Every root belongs to one owner: a generation of the system
// profile, the running system (/run/current-system, /run/booted-system), or a group of other
// roots that live in one place. A store path is freed by deleting an owner when no other owner
// keeps it; a gc job with keep = K deletes the generations that are neither among the newest K
// nor kept (default, current, booted, known-good), which frees every path only they keep.
#pragma once

#include "nix/gc_roots.hpp"
#include "nix/store_graph.hpp"
#include "nixtray/protocol/space.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace nixtray::agent {

struct SpaceSubjects {
  struct Generation {
    int number = 0;
    std::string store_path;
    bool kept = false;  // default, current, booted or known-good
  };
  std::vector<Generation> generations;              // newest first, every link of the system profile
  std::filesystem::path profile_dir;                // where system-N-link live: those roots are the generations
  std::vector<std::filesystem::path> system_links;  // /run/current-system, /run/booted-system
  // Nix's keep-derivations (default on) and keep-outputs (default off).
  bool keep_derivations = true;
  bool keep_outputs = false;
};

// What the store directory holds besides registered paths.
struct UnregisteredEntries {
  std::int64_t garbage_bytes = 0;  // leftovers a collection deletes (unregistered paths)
  int garbage_count = 0;
  std::int64_t other_bytes = 0;  // the directory itself, .links
};

// Everything of the report but the file system's numbers and the time.
protocol::SpaceReport account_space(const StoreGraph& graph, const std::vector<std::int64_t>& usage,
                                    const std::vector<GcRoot>& roots, const SpaceSubjects& subjects,
                                    const UnregisteredEntries& unregistered);

}  // namespace nixtray::agent
