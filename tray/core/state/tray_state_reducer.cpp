#include "core/state/tray_state_reducer.hpp"

#include <algorithm>

namespace nixtray::tray {

namespace {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

void sort_jobs(std::vector<protocol::Job>& jobs) {
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const protocol::Job& a, const protocol::Job& b) { return is_newer_job_id(a.id, b.id); });
  if (jobs.size() > TrayState::max_jobs) {
    jobs.resize(TrayState::max_jobs);
  }
}

void upsert_job(std::vector<protocol::Job>& jobs, protocol::Job job) {
  const auto it = std::find_if(jobs.begin(), jobs.end(), [&](const protocol::Job& j) { return j.id == job.id; });
  if (it != jobs.end()) {
    *it = std::move(job);
  } else {
    jobs.push_back(std::move(job));
  }
  sort_jobs(jobs);
}

void apply_units(protocol::Status& status, const protocol::UnitsChanged& change) {
  auto& failed = status.failed_units;
  const auto erase_named = [&failed](const std::string& name) {
    failed.erase(std::remove_if(failed.begin(), failed.end(), [&](const protocol::Unit& u) { return u.name == name; }),
                 failed.end());
  };
  for (const auto& name : change.removed) {
    erase_named(name);
  }
  for (const auto& unit : change.changed) {
    erase_named(unit.name);
    if (unit.active_state == protocol::UnitActiveState::failed) {
      failed.push_back(unit);
    }
  }
  std::sort(failed.begin(), failed.end(),
            [](const protocol::Unit& a, const protocol::Unit& b) { return a.name < b.name; });
}

}  // namespace

TrayState TrayStateReducer::reduce(TrayState state, const TrayEvent& event) {
  std::visit(Overloaded{
                 [&](const LinkConnecting&) {
                   if (state.link != LinkPhase::connected) state.link = LinkPhase::connecting;
                 },
                 [&](const LinkSynced&) { state.synced = true; },
                 [&](const LinkConnected& e) {
                   state.link = LinkPhase::connected;
                   state.synced = false;
                   state.hello = e.hello;
                   state.endpoint = e.endpoint;
                   state.last_failure.reset();
                   state.ever_connected = true;
                   // The agent answers, so the distro runs, whoever started it.
                   state.power = DistroPower::running;
                   state.power_detail.clear();
                   state.user_starting = false;
                   state.user_stopped = false;
                   state.distro_action_failure.reset();
                 },
                 [&](const LinkUnreachable& e) {
                   state.link = LinkPhase::down;
                   state.synced = false;
                   state.last_failure = e;
                 },
                 [&](const LinkPaused& e) { state.paused = e.reason; },
                 [&](const LinkResumed&) { state.paused.reset(); },
                 [&](const StatusReceived& e) { state.status = e.status; },
                 [&](const UnitsChangedReceived& e) {
                   if (state.status) apply_units(*state.status, e.change);
                 },
                 [&](const GenerationsReceived& e) { state.generations = e.generations; },
                 [&](const JobsReceived& e) {
                   state.jobs = e.jobs;
                   sort_jobs(state.jobs);
                 },
                 [&](const JobUpdated& e) { upsert_job(state.jobs, e.job); },
                 [&](const JobLogReceived&) {},  // logs go to the status window, not into the state
                 [&](const SpaceReceived& e) {
                   // The answer after connecting may arrive after a newer event: keep the newest look.
                   if (!state.space || e.report.computed >= state.space->computed) state.space = e.report;
                 },
                 [&](const DistroPowerObserved& e) {
                   state.power = e.power;
                   state.power_detail = e.detail;
                   if (e.power == DistroPower::stopped || e.power == DistroPower::missing) {
                     // A distro that is down cannot be starting any more unless the user asked.
                     if (state.link == LinkPhase::connected) state.link = LinkPhase::down;
                   }
                 },
                 [&](const DistroActionFailed& e) {
                   state.distro_action_failure = e;
                   state.user_starting = false;
                   state.user_stopped = false;
                 },
                 [&](const UserRequestedStart&) {
                   state.user_starting = true;
                   state.user_stopped = false;
                   state.distro_action_failure.reset();
                 },
                 [&](const UserRequestedStop&) {
                   state.user_stopped = true;
                   state.user_starting = false;
                   state.distro_action_failure.reset();
                 },
                 [&](const UserDismissedFailure&) {
                   if (const auto failure = job_failure(state)) state.dismissed_job = failure->job_id;
                   state.verify_failure_dismissed = true;
                 },
                 [&](const VerifyProgress& e) {
                   state.verifying = e;
                   state.verify_failure_dismissed = false;
                 },
                 [&](const VerifyFinished& e) {
                   state.verifying.reset();
                   state.last_verify = e;
                   state.verify_failure_dismissed = false;
                 },
             },
             event);
  state.condition = derive_condition(state);
  return state;
}

TrayCondition TrayStateReducer::derive_condition(const TrayState& state) {
  if (state.verifying) {
    return TrayCondition::verifying;
  }
  const bool connected = state.link == LinkPhase::connected;
  if (state.user_stopped) {
    return connected && state.power != DistroPower::stopped ? TrayCondition::stopping : TrayCondition::stopped;
  }
  // A failed verify-boot stays in view whether or not the agent answers now: a distro that could
  // not be recovered is exactly the one that does not answer.
  if (state.last_verify && !state.verify_failure_dismissed &&
      (state.last_verify->outcome == VerifyOutcome::failed ||
       state.last_verify->outcome == VerifyOutcome::rolled_back)) {
    return TrayCondition::verify_failed;
  }
  if (!connected) {
    if (state.power == DistroPower::missing) {
      return TrayCondition::unreachable;
    }
    if (state.user_starting) {
      return TrayCondition::starting;
    }
    if (state.power == DistroPower::stopped) {
      return TrayCondition::stopped;
    }
    if (state.last_failure) {
      // A restart that verify-boot or the user caused is a transition, not an alarm.
      return state.last_failure->expected || state.paused ? TrayCondition::starting : TrayCondition::unreachable;
    }
    return TrayCondition::connecting;
  }
  if (running_job(state)) {
    return TrayCondition::rebuilding;
  }
  if (job_failure(state)) {
    return TrayCondition::rebuild_failed;
  }
  if (!state.status) {
    return TrayCondition::connecting;
  }
  switch (state.status->system_state) {
    case protocol::SystemState::running:
      return state.status->failed_units.empty() ? TrayCondition::running : TrayCondition::degraded;
    case protocol::SystemState::degraded:
    case protocol::SystemState::maintenance:
    case protocol::SystemState::offline:
      return TrayCondition::degraded;
    case protocol::SystemState::stopping:
      return TrayCondition::stopping;
    case protocol::SystemState::initializing:
    case protocol::SystemState::starting:
    case protocol::SystemState::unknown:
      return TrayCondition::starting;
  }
  return TrayCondition::starting;
}

}  // namespace nixtray::tray
