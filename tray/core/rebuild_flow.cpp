#include "core/rebuild_flow.hpp"

#include "core/state_text.hpp"

namespace nixtray::tray {

std::string_view to_string(RebuildStep step) {
  switch (step) {
    case RebuildStep::idle: return "idle";
    case RebuildStep::building: return "building";
    case RebuildStep::reviewing: return "reviewing";
    case RebuildStep::activating: return "activating";
    case RebuildStep::finished: return "finished";
    case RebuildStep::failed: return "failed";
    case RebuildStep::cancelled: return "cancelled";
  }
  return "idle";
}

bool RebuildFlow::active() const {
  return step_ == RebuildStep::building || step_ == RebuildStep::reviewing || step_ == RebuildStep::activating;
}

RebuildFlow::Command RebuildFlow::start(protocol::RebuildMode mode) {
  job_id_.clear();
  awaiting_job_id_ = true;
  return StartJob{RebuildRequest{mode, flake_, false}};
}

RebuildFlow::Command RebuildFlow::begin(protocol::RebuildMode mode, std::optional<std::string> flake, bool review) {
  if (active()) {
    return std::monostate{};
  }
  mode_ = mode;
  flake_ = std::move(flake);
  diff_.reset();
  diff_note_.clear();
  failure_.clear();
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

RebuildFlow::Command RebuildFlow::job_updated(const protocol::Job& job) {
  if (job_id_.empty() || job.id != job_id_ || !protocol::is_finished(job.state)) {
    return std::monostate{};
  }
  if (job.state != protocol::JobState::succeeded) {
    step_ = job.state == protocol::JobState::cancelled ? RebuildStep::cancelled : RebuildStep::failed;
    failure_ = job.summary ? *job.summary
                           : "the " + std::string(job_kind_noun(job.kind)) + " ended: " +
                                 (job.state == protocol::JobState::interrupted ? "interrupted" : "failed");
    return std::monostate{};
  }
  if (step_ == RebuildStep::building) {
    step_ = RebuildStep::reviewing;
    diff_note_ =
        "This agent cannot show which packages change before the new configuration becomes a generation "
        "(protocol 1 has no way to name an unregistered build); the diff is shown after activating.";
    return std::monostate{};
  }
  if (step_ == RebuildStep::activating) {
    step_ = RebuildStep::finished;
    if (job.generation_before && job.generation_after && *job.generation_before != *job.generation_after) {
      return FetchDiff{*job.generation_before, *job.generation_after};
    }
  }
  return std::monostate{};
}

RebuildFlow::Command RebuildFlow::diff_received(const ActionResult<protocol::GenerationsDiff>& diff) {
  if (diff) {
    diff_ = diff.value();
    diff_note_.clear();
  } else {
    diff_note_ = "The package diff is not available: " + diff.error().message;
  }
  return std::monostate{};
}

RebuildFlow::Command RebuildFlow::confirm() {
  if (step_ != RebuildStep::reviewing) {
    return std::monostate{};
  }
  // The build is in the Nix store now, so this job only registers and activates it (Nix reuses
  // the built closure), unless the flake changed meanwhile.
  step_ = RebuildStep::activating;
  return start(mode_);
}

RebuildFlow::Command RebuildFlow::decline() {
  if (step_ == RebuildStep::reviewing) {
    step_ = RebuildStep::cancelled;
  }
  return std::monostate{};
}

std::string RebuildFlow::question() const {
  switch (mode_) {
    case protocol::RebuildMode::switch_: return "The new configuration is built. Activate it now (switch)?";
    case protocol::RebuildMode::boot:
      return "The new configuration is built. Make it the generation the distro boots next (boot)?";
    case protocol::RebuildMode::test:
      return "The new configuration is built. Activate it until the next start, without making it the default "
             "(test)?";
    default: break;
  }
  return "The new configuration is built. Continue?";
}

}  // namespace nixtray::tray
