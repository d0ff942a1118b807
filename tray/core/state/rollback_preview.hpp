// What a rollback from the tray changes, shown before it asks: the generation the system is now
// and the one it goes back to, each with its date in this machine's local time zone, and the
// closure diff between them (generations.diff, from the current generation to the target). The
// automatic rollback after a failed verify does not ask; the Verify window says what it undid.
// No wx: the GUI's rollback dialog draws this.
#pragma once

#include "core/state/sentence.hpp"

#include "nixtray/protocol/generations.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct RollbackSide {
  int number = 0;
  std::string date;          // local time, "2024-06-01 14:05"; empty when the agent did not list it
  std::int64_t created = 0;  // the same as unix seconds (0: unknown), for a front end's own date format
  std::optional<std::string> nixos_version;
};

struct RollbackPreview {
  RollbackSide from;                             // what the system is now
  RollbackSide to;                               // what it becomes
  Sentence question;                             // "Roll back from generation 5 to generation 3?"
  Sentence summary;                              // "4 packages change: 1 added, 2 removed, 1 changed."
  std::vector<protocol::PackageChange> changes;  // as the agent sorted them (by name)
  std::int64_t from_closure_size = 0;
  std::int64_t to_closure_size = 0;
  bool diff_known = false;  // false: the agent could not say (the dialog says so and still asks)
};

// `from`: the current generation; `to`: the target. `diff`: generations.diff {from, to}, or
// nothing when it failed (the preview then shows the dates only).
RollbackPreview rollback_preview(const std::vector<protocol::Generation>& generations, int from, int to,
                                 const std::optional<protocol::GenerationsDiff>& diff);

// "4 packages change: 1 added, 2 removed, 1 changed." (a resize counts as a change), for every
// preview that shows a closure diff before asking (the rollback's, the update's).
Sentence package_changes_sentence(const protocol::GenerationsDiff& diff);

}  // namespace nixtray::tray
