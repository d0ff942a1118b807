// What an update of the flake's inputs would change, shown before anything is switched: the inputs
// that moved (old and new revision, each with its date) and the package diff from the current
// generation to what the update built. Made from the finished build job (Job.update, result_path)
// and generations.diff {from: the current generation, to_path: result_path}. No wx: the GUI's
// Update window and `nixtrayctl update` show it.
#pragma once

#include "core/state/package_changes.hpp"
#include "core/state/rebuild_flow.hpp"
#include "core/state/sentence.hpp"

#include "nixtray/protocol/flake_update.hpp"
#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/jobs.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct InputMove {
  std::string name;            // "nixpkgs", "home-manager/nixpkgs"
  std::string source;          // "github:NixOS/nixpkgs/nixos-24.11"; empty when the agent did not say
  std::string from_revision;   // short ("1a2b3c4"); empty for an input the update added
  std::string to_revision;     // empty for one it dropped
  std::int64_t from_date = 0;  // unix seconds of that revision (0: unknown), for a front end's own format
  std::int64_t to_date = 0;
  // "1a2b3c4 (2026-11-02) → 5d6e7f8 (2026-12-01)", "added: 5d6e7f8 (2026-12-01)", "dropped": dates
  // as ISO 8601 in this machine's time zone (a command line's), in the catalogue's words.
  Sentence change;
};

struct UpdatePreview {
  std::string job_id;                 // the build job, which `nixtrayctl update --switch` names
  std::optional<std::string> system;  // what the update built, which Switch and verify activates
  std::string lock_file;              // the flake.lock a switch replaces
  Sentence headline;                  // "2 inputs moved" or that nothing newer was found
  std::vector<InputMove> inputs;      // as the agent listed them
  PackageChanges packages;            // from the running generation to what the update built
  Sentence question;                  // what Switch and verify does
};

// A revision as people compare them: a git revision's first 7 digits, a content hash (narHash,
// "sha256-…") with its first 8 characters after the algorithm.
std::string short_revision(const std::string& revision);

// `built`: the finished update job; `diff`: generations.diff to its result_path, or nothing when
// that failed.
UpdatePreview update_preview(const protocol::Job& built, const std::optional<protocol::GenerationsDiff>& diff);

// The same from the flow reviewing an update (RebuildFlow::updating()).
UpdatePreview update_preview(const RebuildFlow& flow);

}  // namespace nixtray::tray
