#include "core/state/tray_state.hpp"

#include "core/state/state_text.hpp"
#include "core/state/verification_view.hpp"

#include <algorithm>

namespace nixtray::tray {

std::string_view to_string(TrayCondition condition) {
  switch (condition) {
    case TrayCondition::connecting:
      return "connecting";
    case TrayCondition::stopped:
      return "stopped";
    case TrayCondition::stopping:
      return "stopping";
    case TrayCondition::starting:
      return "starting";
    case TrayCondition::running:
      return "running";
    case TrayCondition::degraded:
      return "degraded";
    case TrayCondition::rebuilding:
      return "rebuilding";
    case TrayCondition::rebuild_failed:
      return "rebuild-failed";
    case TrayCondition::verifying:
      return "verifying";
    case TrayCondition::verify_failed:
      return "verify-failed";
    case TrayCondition::unreachable:
      return "unreachable";
  }
  return "unknown";
}

std::string_view to_string(IconId icon) {
  switch (icon) {
    case IconId::stopped:
      return "stopped";
    case IconId::transition:
      return "transition";
    case IconId::running:
      return "running";
    case IconId::degraded:
      return "degraded";
    case IconId::busy:
      return "busy";
    case IconId::failed:
      return "failed";
    case IconId::unreachable:
      return "unreachable";
  }
  return "unreachable";
}

bool is_connected(const TrayState& state) { return state.link == LinkPhase::connected; }

bool is_newer_job_id(std::string_view a, std::string_view b) {
  // Ids are decimal numbers that grow with time; compare them as numbers of any length.
  const auto strip = [](std::string_view s) {
    while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
    return s;
  };
  a = strip(a);
  b = strip(b);
  if (a.size() != b.size()) {
    return a.size() > b.size();
  }
  return a > b;
}

std::optional<JobProgressView> running_job(const TrayState& state) {
  for (const auto& job : state.jobs) {
    if (job.state == protocol::JobState::running) {
      return JobProgressView{job.id, job.kind, job.progress.phase, progress_percent(job.progress),
                             progress_text(job.progress)};
    }
  }
  // An agent without jobs.list still names the running job in its status.
  if (state.status && state.status->running_job) {
    return JobProgressView{*state.status->running_job, protocol::JobKind::unknown, protocol::JobPhase::unknown,
                           std::nullopt, "job " + *state.status->running_job};
  }
  return std::nullopt;
}

std::optional<JobFailureView> job_failure(const TrayState& state) {
  for (const auto& job : state.jobs) {
    if (job.kind != protocol::JobKind::rebuild && job.kind != protocol::JobKind::rollback) {
      continue;
    }
    if (!protocol::is_finished(job.state)) {
      return std::nullopt;  // a newer job runs: its outcome is not known yet
    }
    if (job.state != protocol::JobState::failed && job.state != protocol::JobState::interrupted) {
      return std::nullopt;
    }
    if (state.dismissed_job && *state.dismissed_job == job.id) {
      return std::nullopt;
    }
    std::string summary;
    if (job.summary) {
      summary = *job.summary;
    } else if (job.state == protocol::JobState::interrupted) {
      summary = "the " + std::string(job_kind_noun(job.kind)) + " was interrupted (the distro stopped during it?)";
    } else if (job.failure) {
      summary = job.failure->message;
    } else {
      summary = "the " + std::string(job_kind_noun(job.kind)) + " failed (see the job log)";
    }
    return JobFailureView{job.id, job.kind, std::move(summary)};
  }
  return std::nullopt;
}

std::optional<int> current_generation(const TrayState& state) {
  if (state.status && state.status->generations.current) {
    return state.status->generations.current;
  }
  for (const auto& generation : state.generations) {
    if (generation.current) return generation.number;
  }
  return std::nullopt;
}

std::optional<int> known_good_generation(const TrayState& state) {
  if (state.status && state.status->generations.known_good) {
    return state.status->generations.known_good;
  }
  for (const auto& generation : state.generations) {
    if (generation.known_good) return generation.number;
  }
  return std::nullopt;
}

bool method_supported(const TrayState& state, std::string_view method) {
  if (!state.hello) {
    return false;
  }
  const auto& methods = state.hello->methods;
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

namespace {

IconId icon_for(TrayCondition condition) {
  switch (condition) {
    case TrayCondition::connecting:
    case TrayCondition::stopping:
    case TrayCondition::starting:
      return IconId::transition;
    case TrayCondition::stopped:
      return IconId::stopped;
    case TrayCondition::running:
      return IconId::running;
    case TrayCondition::degraded:
      return IconId::degraded;
    case TrayCondition::rebuilding:
    case TrayCondition::verifying:
      return IconId::busy;
    case TrayCondition::rebuild_failed:
    case TrayCondition::verify_failed:
      return IconId::failed;
    case TrayCondition::unreachable:
      return IconId::unreachable;
  }
  return IconId::unreachable;
}

std::string system_label(const TrayState& state, std::string_view distro_name) {
  std::string label = "NixOS";
  if (state.status && state.status->nixos_version) {
    label += " " + short_nixos_version(*state.status->nixos_version);
  }
  if (!distro_name.empty() && distro_name != "NixOS") {
    label += " (" + std::string(distro_name) + ")";
  }
  return label;
}

std::string units_phrase(std::size_t n) { return std::to_string(n) + (n == 1 ? " failed unit" : " failed units"); }

}  // namespace

TrayPresentation present(const TrayState& state, std::string_view distro_name) {
  TrayPresentation view;
  view.condition = state.condition;
  view.icon = icon_for(state.condition);
  const auto label = system_label(state, distro_name);
  const auto generation = current_generation(state);
  const std::string gen_text = generation ? "gen " + std::to_string(*generation) + ", " : "";
  std::string line;
  switch (state.condition) {
    case TrayCondition::connecting:
      line = label + " \xE2\x80\x94 connecting to the agent";
      view.detail = "Connecting to " + (state.endpoint.empty() ? std::string("the agent") : state.endpoint) + "...";
      break;
    case TrayCondition::stopped:
      line = label + " \xE2\x80\x94 stopped";
      view.detail = state.user_stopped ? "The distro was shut down." : "The distro is not running.";
      break;
    case TrayCondition::stopping:
      line = label + " \xE2\x80\x94 shutting down";
      view.detail = "Shutting the distro down...";
      break;
    case TrayCondition::starting:
      line = label + " \xE2\x80\x94 " + gen_text + "starting";
      if (state.user_starting || !is_connected(state)) {
        view.detail = "Starting the distro...";
      } else if (!state.status) {
        view.detail = "Waiting for the agent's status...";
      } else if (state.status->system_state == protocol::SystemState::unknown) {
        view.detail = "The agent does not know systemd's state yet.";
      } else {
        view.detail = "systemd is starting units...";
      }
      break;
    case TrayCondition::running:
      line = label + " \xE2\x80\x94 " + gen_text + "running";
      view.detail = "Everything runs.";
      break;
    case TrayCondition::degraded: {
      const auto failed = state.status ? state.status->failed_units.size() : 0;
      const bool offline = state.status && state.status->system_state == protocol::SystemState::offline;
      line = label + " \xE2\x80\x94 " + gen_text + (offline ? "systemd does not answer" : "degraded");
      view.detail = offline ? "The agent runs but cannot reach systemd." : "degraded: " + units_phrase(failed);
      if (!offline && failed > 0) line += ": " + units_phrase(failed);
      break;
    }
    case TrayCondition::rebuilding: {
      const auto job = running_job(state);
      const std::string what = job ? std::string(job_kind_gerund(job->kind)) : "Working";
      line = label + " \xE2\x80\x94 " + what;
      if (job) {
        line += ": " + job->text;
        view.progress_percent = job->percent;
        view.detail = what + " (job " + job->job_id + "): " + job->text;
      }
      break;
    }
    case TrayCondition::rebuild_failed: {
      const auto failure = job_failure(state);
      const std::string noun = failure ? std::string(job_kind_noun(failure->kind)) : "rebuild";
      line = label + " \xE2\x80\x94 " + noun + " failed";
      if (failure) {
        line += ": " + failure->summary;
        view.detail = "The " + noun + " (job " + failure->job_id + ") failed: " + failure->summary;
      }
      break;
    }
    case TrayCondition::verifying:
      line = label + " \xE2\x80\x94 verifying boot";
      if (state.verifying) {
        line += ": " + state.verifying->step;
        view.detail = "Verify boot: " + state.verifying->step +
                      (state.verifying->message.empty() ? "" : " \xE2\x80\x94 " + state.verifying->message);
      }
      break;
    case TrayCondition::verify_failed:
      // The headline says what happened in words; the command and its exit code are detail.
      line = label + " \xE2\x80\x94 " +
             (state.last_verify && !state.last_verify->headline.empty() ? state.last_verify->headline.english()
                                                                        : std::string("boot verification failed"));
      if (state.last_verify) view.detail = state.last_verify->message;
      break;
    case TrayCondition::unreachable: {
      const auto reason = state.power == DistroPower::missing
                              ? UnreachableReason::no_distro
                              : (state.last_failure ? state.last_failure->reason : UnreachableReason::unknown);
      line = label + " \xE2\x80\x94 unreachable: " + std::string(unreachable_headline(reason));
      view.detail =
          state.power == DistroPower::missing
              ? (state.power_detail.empty() ? std::string(unreachable_headline(reason)) : state.power_detail)
              : (state.last_failure ? state.last_failure->message : std::string(unreachable_headline(reason)));
      break;
    }
  }
  if (state.distro_action_failure && view.detail.find(state.distro_action_failure->message) == std::string::npos) {
    view.detail += (view.detail.empty() ? "" : " ") + std::string("(") + state.distro_action_failure->action +
                   " failed: " + state.distro_action_failure->message + ")";
  }
  if (const auto verification = verification_view(state)) {
    view.unverified_badge = verification->badge;
    if (state.condition == TrayCondition::running || state.condition == TrayCondition::degraded ||
        state.condition == TrayCondition::starting) {
      line += " \xC2\xB7 " + verification->tooltip_note;
    }
  }
  view.tooltip = shorten(line, TrayPresentation::tooltip_limit);
  return view;
}

}  // namespace nixtray::tray
