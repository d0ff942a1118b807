#include "core/state/rebuild_flow.hpp"

#include "core/state/state_text.hpp"

#include <algorithm>

namespace nixtray::tray {

std::string_view to_string(RebuildStep step) {
  switch (step) {
    case RebuildStep::idle:
      return "idle";
    case RebuildStep::building:
      return "building";
    case RebuildStep::comparing:
      return "comparing";
    case RebuildStep::reviewing:
      return "reviewing";
    case RebuildStep::activating:
      return "activating";
    case RebuildStep::finished:
      return "finished";
    case RebuildStep::failed:
      return "failed";
    case RebuildStep::cancelled:
      return "cancelled";
  }
  return "idle";
}

DiffSummary summarize(const protocol::GenerationsDiff& diff, std::size_t at_most) {
  using Kind = protocol::PackageChangeKind;
  DiffSummary summary;
  summary.from_closure_size = diff.from_closure_size;
  summary.to_closure_size = diff.to_closure_size;
  std::vector<const protocol::PackageChange*> worth_showing;
  for (const auto& change : diff.changes) {
    switch (change.kind) {
      case Kind::changed:
        ++summary.changed;
        break;
      case Kind::added:
        ++summary.added;
        break;
      case Kind::removed:
        ++summary.removed;
        break;
      case Kind::resized:
        ++summary.resized;
        break;
      case Kind::unknown:
        break;
    }
    if (!protocol::is_negligible(change)) worth_showing.push_back(&change);
  }
  // Stable: by name within each group, as the agent sorted them.
  std::stable_partition(worth_showing.begin(), worth_showing.end(),
                        [](const protocol::PackageChange* change) { return change->kind != Kind::resized; });
  for (const auto* change : worth_showing) {
    if (summary.shown.size() == at_most) break;
    summary.shown.push_back(*change);
  }
  summary.not_shown = diff.changes.size() - summary.shown.size();
  return summary;
}

bool RebuildFlow::active() const {
  return step_ == RebuildStep::building || step_ == RebuildStep::comparing || step_ == RebuildStep::reviewing ||
         step_ == RebuildStep::activating;
}

RebuildFlow::Command RebuildFlow::start(protocol::RebuildMode mode, std::optional<std::string> system) {
  job_id_.clear();
  awaiting_job_id_ = true;
  // A built system is activated as it is: the agent takes no flake with it.
  auto flake = system ? std::nullopt : flake_;
  // Only the build updates the inputs; the switch activates what that build made.
  const bool update = update_ && mode == protocol::RebuildMode::build;
  return StartJob{RebuildRequest{mode, std::move(flake), false, std::move(system), update}};
}

namespace {

std::string diff_unavailable(const std::string& why) { return "The package diff is not available: " + why; }

}  // namespace

RebuildFlow::Command RebuildFlow::review_without_diff(const std::string& why) {
  step_ = RebuildStep::reviewing;
  diff_note_ = diff_unavailable(why);
  return std::monostate{};
}

void RebuildFlow::reset(protocol::RebuildMode mode, std::optional<std::string> flake, bool update) {
  mode_ = mode;
  flake_ = std::move(flake);
  update_ = update;
  built_system_.reset();
  flake_update_.reset();
  lock_written_.reset();
  diff_.reset();
  diff_note_.clear();
  failure_.clear();
}

RebuildFlow::Command RebuildFlow::begin_update(std::optional<std::string> flake) {
  if (active()) {
    return std::monostate{};
  }
  // The agent writes the updated flake.lock only when its result is switched to (or booted).
  reset(protocol::RebuildMode::switch_, std::move(flake), true);
  step_ = RebuildStep::building;
  return start(protocol::RebuildMode::build);
}

RebuildFlow::Command RebuildFlow::begin(protocol::RebuildMode mode, std::optional<std::string> flake, bool review) {
  if (active()) {
    return std::monostate{};
  }
  reset(mode, std::move(flake), false);
  // Reviewing a build only makes sense when something is activated afterwards.
  const bool activates = mode == protocol::RebuildMode::switch_ || mode == protocol::RebuildMode::boot ||
                         mode == protocol::RebuildMode::test;
  if (review && activates) {
    step_ = RebuildStep::building;
    return start(protocol::RebuildMode::build);
  }
  step_ = RebuildStep::activating;
  return start(mode);
}

RebuildFlow::Command RebuildFlow::job_started(const std::string& job_id) {
  if (awaiting_job_id_) {
    awaiting_job_id_ = false;
    job_id_ = job_id;
  }
  return std::monostate{};
}

RebuildFlow::Command RebuildFlow::job_start_failed(const ActionError& error) {
  if (!active()) {
    return std::monostate{};
  }
  awaiting_job_id_ = false;
  step_ = RebuildStep::failed;
  failure_ = error.message;
  return std::monostate{};
}

RebuildFlow::Command RebuildFlow::job_updated(const protocol::Job& job, std::optional<int> current_generation) {
  if (job_id_.empty() || job.id != job_id_ || !protocol::is_finished(job.state)) {
    return std::monostate{};
  }
  if (job.state != protocol::JobState::succeeded) {
    step_ = job.state == protocol::JobState::cancelled ? RebuildStep::cancelled : RebuildStep::failed;
    failure_ = job.summary ? *job.summary
                           : "the " + std::string(job_kind_noun(job.kind)) +
                                 " ended: " + (job.state == protocol::JobState::interrupted ? "interrupted" : "failed");
    return std::monostate{};
  }
  if (step_ == RebuildStep::building) {
    built_system_ = job.result_path;
    flake_update_ = job.update;
    const auto from = current_generation ? current_generation : job.generation_before;
    if (!built_system_) {
      return review_without_diff("the agent did not report which store path the build made");
    }
    if (!from) {
      return review_without_diff("the current generation is not known");
    }
    step_ = RebuildStep::comparing;
    protocol::GenerationsDiffParams params;
    params.from = *from;
    params.to_path = *built_system_;
    return FetchDiff{std::move(params)};
  }
  if (step_ == RebuildStep::activating) {
    step_ = RebuildStep::finished;
    lock_written_ = job.lock_written;
    // A reviewed rebuild has its diff already: the generation it became is the path compared.
    if (!diff_ && job.generation_before && job.generation_after && *job.generation_before != *job.generation_after) {
      protocol::GenerationsDiffParams params;
      params.from = *job.generation_before;
      params.to = *job.generation_after;
      return FetchDiff{std::move(params)};
    }
  }
  return std::monostate{};
}

RebuildFlow::Command RebuildFlow::diff_received(const ActionResult<protocol::GenerationsDiff>& diff) {
  if (step_ == RebuildStep::comparing) {
    step_ = RebuildStep::reviewing;
  }
  if (diff) {
    diff_ = diff.value();
    diff_note_.clear();
  } else {
    diff_note_ = diff_unavailable(diff.error().message);
  }
  return std::monostate{};
}

RebuildFlow::Command RebuildFlow::confirm() {
  if (step_ != RebuildStep::reviewing) {
    return std::monostate{};
  }
  if (update_ && !built_system_) {
    // Rebuilding from the flake would build the inputs as they are locked, not the update.
    step_ = RebuildStep::failed;
    failure_ = "the agent did not report which store path the update built";
    return std::monostate{};
  }
  // Activate the reviewed store path itself: rebuilding from the flake could give something else
  // if the configuration changed meanwhile. Without a result_path, rebuild (Nix reuses the build).
  step_ = RebuildStep::activating;
  return start(mode_, built_system_);
}

RebuildFlow::Command RebuildFlow::decline() {
  if (step_ == RebuildStep::reviewing) {
    step_ = RebuildStep::cancelled;
  }
  return std::monostate{};
}

std::string RebuildFlow::question() const {
  switch (mode_) {
    case protocol::RebuildMode::switch_:
      return "The new configuration is built. Activate it now (switch)?";
    case protocol::RebuildMode::boot:
      return "The new configuration is built. Make it the generation the distro boots next (boot)?";
    case protocol::RebuildMode::test:
      return "The new configuration is built. Activate it until the next start, without making it the default "
             "(test)?";
    default:
      break;
  }
  return "The new configuration is built. Continue?";
}

}  // namespace nixtray::tray
