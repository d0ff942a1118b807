// A closure diff as the previews show it before they ask (the rollback's, the update's): one
// sentence, the packages that change and the closures' sizes. No wx: the GUI draws it, nixtrayctl
// prints it.
#pragma once

#include "core/state/sentence.hpp"

#include "nixtray/protocol/generations.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace nixtray::tray {

struct PackageChanges {
  Sentence summary;                              // "4 packages change: 1 added, 2 removed, 1 changed."
  std::vector<protocol::PackageChange> changes;  // as the agent sorted them (by name)
  std::int64_t from_closure_size = 0;
  std::int64_t to_closure_size = 0;
  bool known = false;  // false: the agent could not say (the preview says so and still asks)
};

// `diff`: generations.diff, or nothing when it failed; `none`: what to say when it lists no change.
PackageChanges package_changes(const std::optional<protocol::GenerationsDiff>& diff, Sentence none);

// "4 packages change: 1 added, 2 removed, 1 changed." (a resize counts as a change).
Sentence package_changes_sentence(const protocol::GenerationsDiff& diff);

}  // namespace nixtray::tray
