// The garbage collector's roots, found the way Nix's own collector finds them (read only: stale
// links are left for Nix to remove):
//  - <state>/gcroots and <state>/profiles, recursively: a symlink into the store is a root; a
//    symlink elsewhere (gcroots/auto/<hash> -> ~/project/result) is an indirect root when what
//    it points to is itself a symlink into the store, and the root is that outer link; a file
//    named like a store path is a root;
//  - running processes (/proc/<pid>/exe, cwd, fd/*, maps, environ) and a few kernel settings
//    that name store paths;
//  - Nix's temporary roots (<state>/temproots/<pid>) of processes that still run.
#pragma once

#include "nix/nix_store_location.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace nixtray::agent {

struct GcRoot {
  enum class Source { link, runtime, temporary };
  Source source = Source::link;
  std::filesystem::path link;  // the link that is the root; /proc/<pid>/...; the temporary roots file
  std::string store_path;      // the top-level store path it keeps
  bool indirect = false;       // a link outside Nix's state directory (a ./result the user made)
};

struct GcRootScan {
  std::vector<GcRoot> roots;
  std::vector<std::string> problems;  // directories that could not be read (they are skipped)
};

// Roots whose store path may not be registered: the collector keeps such a path from deletion
// (a build in progress), and follows the closure of registered ones only.
GcRootScan find_gc_roots(const NixStoreLocation& store);

}  // namespace nixtray::agent
