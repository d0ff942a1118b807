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
  preview.packages = package_changes(diff, sentence("No package changes: the two generations have the same packages."));
  return preview;
}

}  // namespace nixtray::tray
