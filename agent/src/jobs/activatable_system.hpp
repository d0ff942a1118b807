// Which already built system a rebuild job may activate (jobs.start's `system`). Activation runs
// as root: a member of the agent's group must not be able to activate a tree of their own making
// (anyone can `nix-store --add` a directory that looks like a NixOS system and whose activation
// script does anything). So `system` is accepted only when it is what the agent itself built and
// still holds (a `build` job's result, rooted as gcroots/nixtray/job-<id>), or the store path of a
// generation of the system profile (which root put there). The path is canonicalised first: no
// `.` or `..` components, symlinks resolved, and the result must be a top-level path directly in
// the store directory; the canonical path is what gets activated, so a symlink repointed after the
// check changes nothing.
#pragma once

#include "nix/nix_store_location.hpp"

#include <filesystem>
#include <set>
#include <string>

namespace nixtray::agent {

struct ActivatableSystems {
  std::set<std::filesystem::path> build_results;  // held results of this agent's build jobs
  std::set<std::filesystem::path> generations;    // store paths of the profile's generations
};

// The canonical store path to activate; throws protocol::RpcException (-32005, refused) naming why
// `requested` cannot be activated.
std::filesystem::path activatable_system(const std::string& requested, const NixStoreLocation& store,
                                         const ActivatableSystems& allowed);

}  // namespace nixtray::agent
