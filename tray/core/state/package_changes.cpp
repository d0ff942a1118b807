#include "core/state/package_changes.hpp"

namespace nixtray::tray {

PackageChanges package_changes(const std::optional<protocol::GenerationsDiff>& diff, Sentence none) {
  PackageChanges packages;
  if (!diff) {
    packages.summary = sentence("The agent could not say which packages change.");
    return packages;
  }
  packages.known = true;
  packages.changes = diff->changes;
  packages.from_closure_size = diff->from_closure_size;
  packages.to_closure_size = diff->to_closure_size;
  packages.summary = diff->changes.empty() ? std::move(none) : package_changes_sentence(*diff);
  return packages;
}

Sentence package_changes_sentence(const protocol::GenerationsDiff& diff) {
  int added = 0;
  int removed = 0;
  int changed = 0;
  for (const auto& change : diff.changes) {
    if (change.kind == protocol::PackageChangeKind::added)
      ++added;
    else if (change.kind == protocol::PackageChangeKind::removed)
      ++removed;
    else
      ++changed;
  }
  return sentence(
      "%1$s packages change: %2$s added, %3$s removed, %4$s changed.",
      {std::to_string(diff.changes.size()), std::to_string(added), std::to_string(removed), std::to_string(changed)});
}

}  // namespace nixtray::tray
