// What a rollback from the tray changes, shown before it asks: the generation the system is now
// and the one it goes back to, each with its date in this machine's local time zone, and the
// closure diff between them (generations.diff, from the current generation to the target). The
// automatic rollback after a failed verify does not ask; the Verify window says what it undid.
// No wx: the GUI's rollback dialog draws this.
#pragma once

#include "core/state/package_changes.hpp"
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
  RollbackSide from;        // what the system is now
  RollbackSide to;          // what it becomes
  Sentence question;        // "Roll back from generation 5 to generation 3?"
  PackageChanges packages;  // from `from` to `to`
};

// `from`: the current generation; `to`: the target. `diff`: generations.diff {from, to}, or
// nothing when it failed (the preview then shows the dates only).
RollbackPreview rollback_preview(const std::vector<protocol::Generation>& generations, int from, int to,
                                 const std::optional<protocol::GenerationsDiff>& diff);

}  // namespace nixtray::tray
