#include "core/state/update_preview.hpp"

#include "core/system/local_time.hpp"

#include <algorithm>
#include <cctype>

namespace nixtray::tray {

std::string short_revision(const std::string& revision) {
  const bool git = revision.size() >= 12 && std::all_of(revision.begin(), revision.end(), [](char c) {
                     return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                   });
  if (git) return revision.substr(0, 7);
  const auto dash = revision.find('-');
  if (dash != std::string::npos && revision.size() > dash + 9) return revision.substr(0, dash + 9);
  return revision;
}

namespace {

// A day is what tells two revisions of a branch apart for a person; the window has the exact time.
std::string day_of(std::int64_t unix_seconds) { return local_time_text(unix_seconds, "%Y-%m-%d"); }

InputMove input_move(const protocol::InputChange& input) {
  InputMove move;
  move.name = input.name;
  move.source = input.source;
  if (input.from) {
    move.from_revision = short_revision(input.from->revision);
    move.from_date = input.from->date.value_or(0);
  }
  if (input.to) {
    move.to_revision = short_revision(input.to->revision);
    move.to_date = input.to->date.value_or(0);
  }
  if (input.from && input.to) {
    move.change = move.from_date > 0 && move.to_date > 0
                      ? sentence("%1$s (%2$s) \xE2\x86\x92 %3$s (%4$s)",
                                 {move.from_revision, day_of(move.from_date), move.to_revision, day_of(move.to_date)})
                      : sentence("%1$s \xE2\x86\x92 %2$s", {move.from_revision, move.to_revision});
  } else if (input.to) {
    move.change = move.to_date > 0 ? sentence("added: %1$s (%2$s)", {move.to_revision, day_of(move.to_date)})
                                   : sentence("added: %s", {move.to_revision});
  } else {
    move.change = input.from ? sentence("dropped (was %s)", {move.from_revision}) : sentence("dropped");
  }
  return move;
}

}  // namespace

UpdatePreview update_preview(const protocol::Job& built, const std::optional<protocol::GenerationsDiff>& diff) {
  UpdatePreview preview;
  preview.job_id = built.id;
  preview.system = built.result_path;
  if (built.update) {
    preview.lock_file = built.update->lock_file;
    for (const auto& input : built.update->inputs) preview.inputs.push_back(input_move(input));
  }
  preview.headline = preview.inputs.empty() ? sentence("Nothing newer was found: every input is as flake.lock pins it.")
                                            : counted("%s input moved", "%s inputs moved",
                                                      static_cast<unsigned long>(preview.inputs.size()));
  preview.question = sentence(
      "Switch to the updated configuration, then restart the distro and check that it comes up (rolled back if it "
      "does not)? The new flake.lock is written with the switch; Discard changes nothing.");
  preview.packages =
      package_changes(diff, diff ? sentence("No package changes: the update builds the same packages as generation %s.",
                                            {std::to_string(diff->from)})
                                 : Sentence{});
  return preview;
}

UpdatePreview update_preview(const RebuildFlow& flow) {
  protocol::Job built;
  built.id = flow.job_id();
  built.kind = protocol::JobKind::rebuild;
  built.result_path = flow.built_system();
  built.update = flow.flake_update();
  return update_preview(built, flow.diff());
}

}  // namespace nixtray::tray
