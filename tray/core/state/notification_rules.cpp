#include "core/state/notification_rules.hpp"

#include "core/state/space_notice.hpp"
#include "core/state/state_text.hpp"
#include "core/state/update_check.hpp"
#include "core/state/verification_view.hpp"

#include "nixtray/text/byte_size.hpp"

#include <algorithm>

namespace nixtray::tray {

std::string_view to_string(NotificationKind kind) {
  switch (kind) {
    case NotificationKind::job_failed:
      return "job-failed";
    case NotificationKind::verify_failed:
      return "verify-failed";
    case NotificationKind::unit_failed:
      return "unit-failed";
    case NotificationKind::distro_stopped:
      return "distro-stopped";
    case NotificationKind::unverified_generation:
      return "unverified-generation";
    case NotificationKind::low_space:
      return "low-space";
    case NotificationKind::job_succeeded:
      return "job-succeeded";
    case NotificationKind::verify_passed:
      return "verify-passed";
    case NotificationKind::updates_available:
      return "updates-available";
  }
  return "unknown";
}

namespace {

bool is_reported_failure(const protocol::Job& job) {
  return job.state == protocol::JobState::failed || job.state == protocol::JobState::interrupted;
}

// Whole titles, so each is one entry of the catalogue (po/core_messages.cc).
std::string failed_title(const protocol::Job& job) {
  const bool interrupted = job.state == protocol::JobState::interrupted;
  switch (job.kind) {
    case protocol::JobKind::rebuild:
      return interrupted ? "Rebuild interrupted" : "Rebuild failed";
    case protocol::JobKind::rollback:
      return interrupted ? "Rollback interrupted" : "Rollback failed";
    case protocol::JobKind::gc:
      return interrupted ? "Garbage collection interrupted" : "Garbage collection failed";
    case protocol::JobKind::unknown:
      break;
  }
  return interrupted ? "Job interrupted" : "Job failed";
}

Sentence failed_body(const protocol::Job& job, bool while_away) {
  // The agent's own words (its summary, in English) go in as they are.
  const auto detail = job.summary ? job.summary : job.failure ? std::optional(job.failure->message) : std::nullopt;
  if (detail) return sentence(while_away ? "%s (while nixtray was not connected)" : "%s", {*detail});
  if (job.state == protocol::JobState::interrupted) {
    return sentence(while_away ? "The distro stopped while the job ran, while nixtray was not connected."
                               : "The distro stopped while the job ran.");
  }
  return sentence(while_away ? "It failed while nixtray was not connected. See the job log." : "See the job log.");
}

bool is_activating_mode(protocol::RebuildMode mode) {
  return mode == protocol::RebuildMode::switch_ || mode == protocol::RebuildMode::boot ||
         mode == protocol::RebuildMode::test;
}

// A job that finished well and changed something a person waits for: a switch, boot or test, a
// rollback, a garbage collection. Builds and previews are followed by their own windows.
std::optional<Notification> success_notice(const protocol::Job& job) {
  Notification n;
  n.kind = NotificationKind::job_succeeded;
  n.key = "job-done:" + job.id;
  n.action = NotificationAction{NotificationAction::Kind::show_job_log, "Show log", job.id, {}};
  const auto mode = job.args.mode.value_or(protocol::RebuildMode::switch_);
  const auto generation = job.generation_after ? std::to_string(*job.generation_after) : std::string();
  switch (job.kind) {
    case protocol::JobKind::rebuild:
      if (!is_activating_mode(mode)) return std::nullopt;
      n.title = sentence("Rebuild done");
      if (mode == protocol::RebuildMode::test) {
        n.body = sentence("The new configuration is active until the next start.");
      } else if (generation.empty()) {
        n.body = sentence(mode == protocol::RebuildMode::boot ? "The new generation boots at the next start."
                                                              : "The new generation is active.");
      } else {
        n.body = sentence(
            mode == protocol::RebuildMode::boot ? "Generation %s boots at the next start." : "Generation %s is active.",
            {generation});
      }
      return n;
    case protocol::JobKind::rollback: {
      const auto to = job.args.to ? std::to_string(*job.args.to) : generation;
      n.title = to.empty() ? sentence("Rolled back") : sentence("Rolled back to generation %s", {to});
      n.body = sentence(mode == protocol::RebuildMode::boot ? "It boots at the next start." : "It is active now.");
      return n;
    }
    case protocol::JobKind::gc:
      n.title = sentence("Garbage collection done");
      n.body = job.freed_bytes ? sentence("Freed %s.", {text::format_bytes(*job.freed_bytes)})
                               : sentence("Old generations were deleted.");
      return n;
    case protocol::JobKind::unknown:
      break;
  }
  return std::nullopt;
}

}  // namespace

NotificationRules::NotificationRules(NotificationToggles toggles, std::optional<std::string> last_job_seen,
                                     std::string distro_name, std::optional<std::string> unverified_notified)
    : toggles_(toggles),
      last_job_seen_(std::move(last_job_seen)),
      distro_name_(std::move(distro_name)),
      unverified_notified_(std::move(unverified_notified)) {}

void NotificationRules::add(Notification notification, bool enabled, NotificationDecision& decision) {
  // Remembered even when switched off: turning the toggle on later must not replay old events.
  if (!shown_.insert(notification.key).second) {
    return;
  }
  if (enabled) {
    decision.notifications.push_back(std::move(notification));
  }
}

void NotificationRules::advance_last_seen(const std::string& job_id, NotificationDecision& decision) {
  if (!last_job_seen_ || is_newer_job_id(job_id, *last_job_seen_)) {
    last_job_seen_ = job_id;
    decision.last_job_seen = job_id;
  }
}

void NotificationRules::consider_job(const protocol::Job& job, bool while_away, bool verifying,
                                     NotificationDecision& decision) {
  if (!protocol::is_finished(job.state)) {
    return;
  }
  const bool unseen = !last_job_seen_ || is_newer_job_id(job.id, *last_job_seen_);
  // A check for updates that failed (offline, say) is in the job history; the next day's check
  // tries again. One that found some says so, as it happens.
  if (is_update_check(job)) {
    const auto found = unseen && !while_away && job.state == protocol::JobState::succeeded
                           ? updates_found_sentence(job, distro_name_)
                           : std::nullopt;
    if (found) {
      Notification n;
      n.kind = NotificationKind::updates_available;
      n.key = "updates:" + job.id;
      n.title = sentence("Updates available");
      n.body = *found;
      n.action = NotificationAction{NotificationAction::Kind::update, "Update…", {}, {}};
      add(std::move(n), toggles_.updates_available, decision);
    }
  } else if (unseen && is_reported_failure(job)) {
    Notification n;
    n.kind = NotificationKind::job_failed;
    n.key = "job:" + job.id;
    n.title = sentence(failed_title(job));
    n.body = failed_body(job, while_away);
    n.action = NotificationAction{NotificationAction::Kind::show_job_log, "Show log", job.id, {}};
    add(std::move(n), toggles_.job_failed, decision);
  } else if (unseen && !while_away && !verifying && job.state == protocol::JobState::succeeded) {
    // Success as it happens (not from the history on reconnect). During boot verification its
    // own outcome is the news, not the jobs it runs.
    if (auto n = success_notice(job)) add(std::move(*n), toggles_.job_succeeded, decision);
  }
  advance_last_seen(job.id, decision);
}

void NotificationRules::consider_jobs_snapshot(const std::vector<protocol::Job>& jobs, NotificationDecision& decision) {
  if (!last_job_seen_) {
    // The first time this distro is watched: its history is the baseline, not news.
    for (const auto& job : jobs) {
      if (protocol::is_finished(job.state)) advance_last_seen(job.id, decision);
    }
    return;
  }
  // Only the newest failure that happened while away is worth a notification; older ones are
  // in the job history.
  const protocol::Job* newest_failure = nullptr;
  for (const auto& job : jobs) {
    if (protocol::is_finished(job.state) && is_reported_failure(job) && is_newer_job_id(job.id, *last_job_seen_) &&
        (!newest_failure || is_newer_job_id(job.id, newest_failure->id))) {
      newest_failure = &job;
    }
  }
  if (newest_failure) {
    consider_job(*newest_failure, true, false, decision);
  }
  for (const auto& job : jobs) {
    if (protocol::is_finished(job.state)) advance_last_seen(job.id, decision);
  }
}

void NotificationRules::consider_units(const TrayState& before, const TrayState& after,
                                       NotificationDecision& decision) {
  if (!after.status) {
    return;
  }
  std::set<std::string> failed_now;
  for (const auto& unit : after.status->failed_units) {
    failed_now.insert(unit.name);
  }
  // A unit that recovered may be reported again when it fails again.
  for (auto it = failed_units_known_.begin(); it != failed_units_known_.end();) {
    if (!failed_now.count(*it)) {
      shown_.erase("unit:" + *it);
      it = failed_units_known_.erase(it);
    } else {
      ++it;
    }
  }
  if (!units_baseline_ || after.verifying) {
    // Units that were failed before we connected are visible in the icon and menu; verify-boot
    // reports failed units itself.
    units_baseline_ = true;
    failed_units_known_.insert(failed_now.begin(), failed_now.end());
    for (const auto& name : failed_now) shown_.insert("unit:" + name);
    return;
  }
  (void)before;
  std::vector<const protocol::Unit*> fresh;
  for (const auto& unit : after.status->failed_units) {
    if (failed_units_known_.insert(unit.name).second) {
      fresh.push_back(&unit);
    }
  }
  if (fresh.empty()) {
    return;
  }
  Notification n;
  n.kind = NotificationKind::unit_failed;
  if (fresh.size() == 1) {
    const auto& unit = *fresh.front();
    n.key = "unit:" + unit.name;
    n.title = sentence("%s failed", {unit.name});
    const auto what = unit.description.empty() ? unit.name : unit.description;
    n.body = unit.result.empty() || unit.result == "success"
                 ? sentence("%1$s failed in %2$s.", {what, distro_name_})
                 : sentence("%1$s failed in %2$s (%3$s).", {what, distro_name_, unit.result});
    n.action = NotificationAction{NotificationAction::Kind::show_unit, "Show log", {}, unit.name};
    add(std::move(n), toggles_.unit_failed, decision);
    return;
  }
  std::string names;
  for (const auto* unit : fresh) {
    names += (names.empty() ? "" : ", ") + unit->name;
    shown_.insert("unit:" + unit->name);
  }
  n.key = "units:" + names;
  n.title = sentence("%s units failed", {std::to_string(fresh.size())});
  n.body = sentence("%1$s failed in %2$s.", {names, distro_name_});
  n.action = NotificationAction{NotificationAction::Kind::show_status_window, "Show status", {}, {}};
  add(std::move(n), toggles_.unit_failed, decision);
}

void NotificationRules::consider_stop(const TrayState& before, const TrayState& after, NotificationDecision& decision) {
  if (after.link == LinkPhase::connected) {
    stop_reported_ = false;
    return;
  }
  const bool now_stopped = after.condition == TrayCondition::stopped;
  if (!now_stopped || before.condition == TrayCondition::stopped || stop_reported_) {
    return;
  }
  if (after.user_stopped || after.paused || after.verifying || !after.ever_connected) {
    return;  // expected down: the user or verify-boot stopped it, or it was never up
  }
  stop_reported_ = true;
  Notification n;
  n.kind = NotificationKind::distro_stopped;
  n.key = "stopped:" + std::to_string(++stops_);
  n.title = sentence("%s stopped", {distro_name_});
  n.body = after.power_detail.empty() ? sentence("The distro stopped without being asked to.")
                                      : sentence("The distro stopped without being asked to. %s", {after.power_detail});
  n.action = NotificationAction{NotificationAction::Kind::show_status_window, "Show status", {}, {}};
  add(std::move(n), toggles_.distro_stopped, decision);
}

void NotificationRules::consider_verify(const VerifyFinished& finished, NotificationDecision& decision) {
  const auto key = std::string(to_string(finished.outcome)) + ":" +
                   (finished.generation ? std::to_string(*finished.generation) : std::string("-")) + ":" +
                   finished.message;
  const std::string generation = finished.generation ? std::to_string(*finished.generation) : "";
  if (finished.outcome == VerifyOutcome::passed || finished.outcome == VerifyOutcome::passed_degraded) {
    Notification n;
    n.kind = NotificationKind::verify_passed;
    n.key = "verify:" + key;
    n.title = sentence("Boot verification passed");
    const bool degraded = finished.outcome == VerifyOutcome::passed_degraded;
    n.body = generation.empty()
                 ? sentence(degraded ? "The distro started; some units failed." : "The distro started and is healthy.")
                 : sentence(degraded ? "Generation %s is active and passed boot verification; some units failed."
                                     : "Generation %s is active and passed boot verification.",
                            {generation});
    n.action = NotificationAction{NotificationAction::Kind::show_status_window, "Show status", {}, {}};
    add(std::move(n), toggles_.verify_passed, decision);
    return;
  }
  if (finished.outcome != VerifyOutcome::failed && finished.outcome != VerifyOutcome::rolled_back &&
      finished.outcome != VerifyOutcome::unknown) {
    return;
  }
  Notification n;
  n.kind = NotificationKind::verify_failed;
  n.key = "verify:" + key;
  if (finished.outcome == VerifyOutcome::rolled_back) {
    n.title = generation.empty() ? sentence("Boot verification failed: rolled back")
                                 : sentence("Boot verification failed: generation %s rolled back", {generation});
  } else if (finished.outcome == VerifyOutcome::unknown) {
    n.title = generation.empty() ? sentence("Boot verification inconclusive")
                                 : sentence("Boot verification inconclusive: generation %s", {generation});
  } else {
    n.title = generation.empty() ? sentence("Boot verification failed")
                                 : sentence("Boot verification failed: generation %s", {generation});
  }
  // The headline in words; the command lines and exit codes are in the Verify window's details.
  n.body = finished.headline.empty() ? sentence("%s", {finished.message}) : finished.headline;
  n.action = NotificationAction{NotificationAction::Kind::show_status_window, "Show status", {}, {}};
  add(std::move(n), toggles_.verify_failed, decision);
}

void NotificationRules::consider_verification(const TrayState& after, NotificationDecision& decision) {
  const auto view = verification_view(after);
  if (!view || view->state != protocol::VerificationState::unverified) return;
  // The known-good generation is no news: a person accepted it (mark-good), or a rollback went
  // back to it. The menu still says it was never boot-checked.
  if (after.status->generations.known_good == view->generation) return;
  // Once per generation and store path, across restarts: the settings keep the last one, and a
  // number Nix gives to another system is a new generation.
  const auto key = verification_key(*view);
  if (unverified_notified_ == key) return;
  unverified_notified_ = key;
  decision.unverified_notified = key;
  const auto number = std::to_string(view->generation);
  Notification n;
  n.kind = NotificationKind::unverified_generation;
  n.key = "unverified:" + key;
  n.title = sentence("%1$s: generation %2$s is unverified", {distro_name_, number});
  n.body = view->made_by_agent
               ? sentence("Generation %s was activated without boot verification.", {number})
               : sentence("Generation %s was activated outside nixtray and its boot has not been verified.", {number});
  n.action = NotificationAction{NotificationAction::Kind::verify_boot, "Verify now", {}, {}};
  add(std::move(n), toggles_.unverified, decision);
}

void NotificationRules::consider_space(const TrayState& after, NotificationDecision& decision) {
  if (!after.space) return;
  if (!is_low_space(*after.space, toggles_.low_space_gib)) {
    low_space_ = false;
    return;
  }
  if (low_space_) return;
  low_space_ = true;
  add(low_space_notice(*after.space, toggles_.low_space_gib, distro_name_, ++low_space_crossings_), toggles_.low_space,
      decision);
}

NotificationDecision NotificationRules::observe(const TrayState& before, const TrayState& after,
                                                const TrayEvent& event) {
  NotificationDecision decision;
  if (std::holds_alternative<LinkConnected>(event)) {
    units_baseline_ = false;
    stop_reported_ = false;
  } else if (const auto* jobs = std::get_if<JobsReceived>(&event)) {
    consider_jobs_snapshot(jobs->jobs, decision);
  } else if (const auto* update = std::get_if<JobUpdated>(&event)) {
    consider_job(update->job, false, after.verifying.has_value(), decision);
  } else if (std::holds_alternative<StatusReceived>(event) || std::holds_alternative<UnitsChangedReceived>(event)) {
    consider_units(before, after, decision);
  } else if (const auto* verify = std::get_if<VerifyFinished>(&event)) {
    consider_verify(*verify, decision);
  } else if (std::holds_alternative<SpaceReceived>(event)) {
    consider_space(after, decision);
  }
  consider_stop(before, after, decision);
  // Once the snapshots are in: the jobs tell whether a job of the agent made the generation.
  if (after.synced) consider_verification(after, decision);
  return decision;
}

}  // namespace nixtray::tray
