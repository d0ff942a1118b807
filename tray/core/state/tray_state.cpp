#include "core/state/tray_state.hpp"

#include "core/state/state_text.hpp"
#include "core/state/update_check.hpp"
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
    case IconId::verifying:
      return "verifying";
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
      return JobProgressView{job.id,
                             job.kind,
                             job.progress.phase,
                             progress_percent(job.progress),
                             progress_text(job.progress),
                             progress_sentence(job.progress),
                             is_update_check(job)};
    }
  }
  // An agent without jobs.list still names the running job in its status. A status sent before
  // the job's end may arrive after it: a job the list has as finished runs no more.
  const auto finished = [&](const std::string& id) {
    return std::any_of(state.jobs.begin(), state.jobs.end(),
                       [&](const protocol::Job& job) { return job.id == id && protocol::is_finished(job.state); });
  };
  if (state.status && state.status->running_job && !finished(*state.status->running_job)) {
    return JobProgressView{*state.status->running_job,          protocol::JobKind::unknown,
                           protocol::JobPhase::unknown,         std::nullopt,
                           "job " + *state.status->running_job, sentence("job %s", {*state.status->running_job})};
  }
  return std::nullopt;
}

std::optional<JobFailureView> job_failure(const TrayState& state) {
  for (const auto& job : state.jobs) {
    if (job.kind != protocol::JobKind::rebuild && job.kind != protocol::JobKind::rollback) {
      continue;
    }
    // A check for updates changes nothing: one that failed overnight (offline) is no failed
    // rebuild to put on the icon, and it hides none.
    if (is_update_check(job)) {
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
      return IconId::busy;
    case TrayCondition::verifying:
      return IconId::verifying;
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

// "gen 3, <what>" when the generation is known, else "<what>": two whole formats, so a
// translation orders the parts as its language does.
Sentence with_generation(const std::optional<int>& generation, const std::string& with, const std::string& without) {
  return generation ? sentence(with, {std::to_string(*generation)}) : sentence(without);
}

// A phrase core has in its catalogue, as a sentence of its own.
Sentence fixed(std::string_view english) { return sentence(std::string(english)); }

// Text from elsewhere (the agent, a link error) that is shown as it is.
Sentence verbatim(std::string text) { return sentence("%s", {std::move(text)}); }

Sentence job_under_way(const JobProgressView& job) {
  const char* format = "Working: %s";
  switch (job.kind) {
    case protocol::JobKind::rebuild:
      format = "Rebuilding: %s";
      break;
    case protocol::JobKind::rollback:
      format = "Rolling back: %s";
      break;
    case protocol::JobKind::gc:
      format = "Collecting garbage: %s";
      break;
    case protocol::JobKind::unknown:
      break;
  }
  if (job.update_check) format = "Checking for updates: %s";
  return sentence(format, {""}).nest(0, job.text_sentence);
}

Sentence job_failed(protocol::JobKind kind, const std::string& summary) {
  switch (kind) {
    case protocol::JobKind::rebuild:
      return sentence("rebuild failed: %s", {summary});
    case protocol::JobKind::rollback:
      return sentence("rollback failed: %s", {summary});
    case protocol::JobKind::gc:
      return sentence("garbage collection failed: %s", {summary});
    case protocol::JobKind::unknown:
      break;
  }
  return sentence("job failed: %s", {summary});
}

// What the tooltip and the status line say for the state's condition.
void describe(const TrayState& state, TrayPresentation& view) {
  const auto generation = current_generation(state);
  auto& detail = view.detail_sentences;
  switch (state.condition) {
    case TrayCondition::connecting:
      view.state = fixed("connecting to the agent");
      detail.push_back(state.endpoint.empty() ? fixed("Connecting to the agent...")
                                              : sentence("Connecting to %s...", {state.endpoint}));
      break;
    case TrayCondition::stopped:
      view.state = fixed("stopped");
      detail.push_back(fixed(state.user_stopped ? "The distro was shut down." : "The distro is not running."));
      break;
    case TrayCondition::stopping:
      view.state = fixed("shutting down");
      detail.push_back(fixed("Shutting the distro down..."));
      break;
    case TrayCondition::starting:
      view.state = with_generation(generation, "gen %s, starting", "starting");
      if (state.user_starting || !is_connected(state)) {
        detail.push_back(fixed("Starting the distro..."));
      } else if (!state.status) {
        detail.push_back(fixed("Waiting for the agent's status..."));
      } else if (state.status->system_state == protocol::SystemState::unknown) {
        detail.push_back(fixed("The agent does not know systemd's state yet."));
      } else {
        detail.push_back(fixed("systemd is starting units..."));
      }
      break;
    case TrayCondition::running:
      view.state = with_generation(generation, "gen %s, running", "running");
      detail.push_back(fixed("Everything runs."));
      break;
    case TrayCondition::degraded: {
      const auto failed = state.status ? state.status->failed_units.size() : 0;
      if (state.status && state.status->system_state == protocol::SystemState::offline) {
        view.state = with_generation(generation, "gen %s, systemd does not answer", "systemd does not answer");
        detail.push_back(fixed("The agent runs but cannot reach systemd."));
      } else {
        if (failed == 0) {
          view.state = with_generation(generation, "gen %s, degraded", "degraded");
        } else if (generation) {
          view.state = counted("gen %2$s, degraded: %1$s failed unit", "gen %2$s, degraded: %1$s failed units", failed,
                               {std::to_string(*generation)});
        } else {
          view.state = counted("degraded: %s failed unit", "degraded: %s failed units", failed);
        }
        detail.push_back(counted("degraded: %s failed unit", "degraded: %s failed units", failed));
      }
      break;
    }
    case TrayCondition::rebuilding:
      if (const auto job = running_job(state)) {
        view.state = job_under_way(*job);
        view.progress_percent = job->percent;
        auto what = sentence("%1$s (job %2$s): %3$s", {std::string(job_gerund(*job)), job->job_id, job->text});
        what.translated = {0};
        what.nest(2, job->text_sentence);
        detail.push_back(std::move(what));
      } else {
        view.state = fixed("Working");
      }
      break;
    case TrayCondition::rebuild_failed:
      if (const auto failure = job_failure(state)) {
        view.state = job_failed(failure->kind, failure->summary);
        auto what = sentence("The %1$s (job %2$s) failed: %3$s",
                             {std::string(job_kind_noun(failure->kind)), failure->job_id, failure->summary});
        what.translated = {0};
        detail.push_back(std::move(what));
      } else {
        view.state = fixed("rebuild failed");
      }
      break;
    case TrayCondition::verifying:
      if (state.verifying) {
        view.state = sentence("verifying boot: %s", {state.verifying->step});
        detail.push_back(
            state.verifying->message.empty()
                ? sentence("Verify boot: %s", {state.verifying->step})
                : sentence("Verify boot: %1$s \xE2\x80\x94 %2$s", {state.verifying->step, state.verifying->message}));
      } else {
        view.state = fixed("verifying boot");
      }
      break;
    case TrayCondition::verify_failed:
      // The headline says what happened in words; the command and its exit code are detail.
      view.state = state.last_verify && !state.last_verify->headline.empty() ? state.last_verify->headline
                                                                             : fixed("boot verification failed");
      if (state.last_verify) detail.push_back(verbatim(state.last_verify->message));
      break;
    case TrayCondition::unreachable: {
      const bool missing = state.power == DistroPower::missing;
      const auto reason = missing ? UnreachableReason::no_distro
                                  : (state.last_failure ? state.last_failure->reason : UnreachableReason::unknown);
      view.state = sentence("unreachable: %s", {std::string(unreachable_headline(reason))});
      view.state.translated = {0};
      if (missing && !state.power_detail.empty()) {
        detail.push_back(verbatim(state.power_detail));
      } else if (!missing && state.last_failure) {
        detail.push_back(verbatim(state.last_failure->message));
      } else {
        detail.push_back(fixed(unreachable_headline(reason)));
      }
      break;
    }
  }
}

}  // namespace

TrayPresentation present(const TrayState& state, std::string_view distro_name) {
  TrayPresentation view;
  view.condition = state.condition;
  view.icon = icon_for(state.condition);
  view.label = system_label(state, distro_name);
  describe(state, view);
  if (const auto& failure = state.distro_action_failure) {
    const auto english = detail_line(view, [](const Sentence& s) { return s.english(); });
    if (english.find(failure->message) == std::string::npos) {
      view.detail_sentences.push_back(sentence("(%1$s failed: %2$s)", {failure->action, failure->message}));
    }
  }
  if (const auto verification = verification_view(state)) {
    view.unverified_badge = verification->badge;
    if (state.condition == TrayCondition::running || state.condition == TrayCondition::degraded ||
        state.condition == TrayCondition::starting) {
      view.note = verification->tooltip_note;
    }
  }
  const auto english = [](const Sentence& s) { return s.english(); };
  view.tooltip = tooltip_line(view, english);
  view.detail = detail_line(view, english);
  return view;
}

std::string tooltip_line(const TrayPresentation& view, const SentenceWords& say) {
  auto line = view.label + " \xE2\x80\x94 " + say(view.state);
  if (!view.note.empty()) line += " \xC2\xB7 " + say(view.note);
  return shorten(line, TrayPresentation::tooltip_limit);
}

std::string detail_line(const TrayPresentation& view, const SentenceWords& say) {
  std::string text;
  for (const auto& part : view.detail_sentences) text += (text.empty() ? "" : " ") + say(part);
  return text;
}

}  // namespace nixtray::tray
