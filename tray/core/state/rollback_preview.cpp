#include "core/state/rollback_preview.hpp"

#include "core/system/local_time.hpp"

namespace nixtray::tray {

namespace {

RollbackSide side(const std::vector<protocol::Generation>& generations, int number) {
  RollbackSide result;
  result.number = number;
  for (const auto& generation : generations) {
    if (generation.number != number) continue;
    if (generation.created > 0) {
      result.date = local_time_text(generation.created);
      result.created = generation.created;
    }
    result.nixos_version = generation.nixos_version;
  }
  return result;
}

}  // namespace

RollbackPreview rollback_preview(const std::vector<protocol::Generation>& generations, int from, int to,
                                 const std::optional<protocol::GenerationsDiff>& diff) {
  RollbackPreview preview;
  preview.from = side(generations, from);
  preview.to = side(generations, to);
  preview.question =
      sentence("Roll back from generation %1$s to generation %2$s?", {std::to_string(from), std::to_string(to)});
  if (!diff) {
    preview.summary = sentence("The agent could not say which packages change.");
    return preview;
  }
  preview.diff_known = true;
  preview.changes = diff->changes;
  preview.from_closure_size = diff->from_closure_size;
  preview.to_closure_size = diff->to_closure_size;
  preview.summary = diff->changes.empty() ? sentence("No package changes: the two generations have the same packages.")
                                          : package_changes_sentence(*diff);
  return preview;
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
