// `nixtrayctl status`: one look at the agent (TraySession::probe: the tray's own link and reducer)
// and the state the tray would show, printed.
#include "core/state/state_text.hpp"
#include "core/state/tray_state.hpp"
#include "core/state/verification_view.hpp"
#include "core/verify/verify_report.hpp"
#include "ctl/ctl_program.hpp"
#include "ctl/ctl_words.hpp"

#include "nixtray/protocol/wire_name.hpp"

#include <iostream>

namespace nixtray::ctl {

using protocol::json;

namespace {

std::string generation_text(const std::optional<int>& n) { return n ? std::to_string(*n) : std::string("?"); }

// "generation 43 unverified (nixtrayctl verify-boot checks it)", "generation 42 verified,
// known-good after its probation", "generation 43 failed at console: ...".
tray::Sentence verification_sentence(const protocol::Verification& v) {
  const auto generation = generation_text(v.generation);
  switch (v.state) {
    case protocol::VerificationState::unverified:
      return tray::sentence("generation %1$s unverified (%2$s checks it)", {generation, "nixtrayctl verify-boot"});
    case protocol::VerificationState::failed:
      if (v.step && v.reason) {
        return tray::sentence("generation %1$s failed at %2$s: %3$s", {generation, *v.step, *v.reason});
      }
      if (v.reason) return tray::sentence("generation %1$s failed: %2$s", {generation, *v.reason});
      return tray::sentence("generation %s failed", {generation});
    case protocol::VerificationState::verified:
      if (v.probation && v.probation->state == protocol::ProbationState::running) {
        return tray::sentence("generation %s verified, known-good after its probation", {generation});
      }
      if (v.probation && v.probation->state == protocol::ProbationState::voided) {
        return v.probation->reason ? tray::sentence("generation %1$s verified, probation voided: %2$s",
                                                    {generation, *v.probation->reason})
                                   : tray::sentence("generation %s verified, probation voided", {generation});
      }
      return tray::sentence("generation %s verified", {generation});
    case protocol::VerificationState::verifying:
      return tray::sentence("generation %s verifying", {generation});
    case protocol::VerificationState::unknown:
      break;
  }
  return tray::sentence("unknown (this agent does not record boot checks)");
}

// One "label: value" line; the labels are padded in each language's catalogue entry.
void line(const tray::Sentence& said) { std::cout << say(said) << "\n"; }

void print_text(const tray::TrayState& state, const tray::TrayPresentation& view) {
  std::cout << tray::tooltip_line(view, words()) << "\n";
  auto condition = tray::sentence("state:        %s", {tray::condition_words(state.condition)});
  condition.translated = {0};
  line(condition);
  if (!view.detail.empty()) {
    line(tray::sentence("detail:       %s", {tray::detail_line(view, words())}));
  }
  if (state.hello) {
    line(state.hello->authorized
             ? tray::sentence("agent:        %1$s at %2$s", {state.hello->agent, state.endpoint})
             : tray::sentence("agent:        %1$s at %2$s (read-only)", {state.hello->agent, state.endpoint}));
  }
  if (state.status) {
    const auto& s = *state.status;
    line(tray::sentence("host:         %s", {s.hostname}));
    line(tray::counted("systemd:      %2$s, %1$s job queued", "systemd:      %2$s, %1$s jobs queued",
                       static_cast<unsigned long>(s.systemd_jobs), {protocol::wire_name(s.system_state)}));
    line(tray::sentence("generations:  default %1$s, current %2$s, booted %3$s, known-good %4$s",
                        {generation_text(s.generations.default_generation), generation_text(s.generations.current),
                         generation_text(s.generations.booted), generation_text(s.generations.known_good)}));
    line(tray::sentence("verification: %s", {""}).nest(0, verification_sentence(s.verification)));
    if (s.restart_pending) line(tray::sentence("pending:      restart (the running system is not the one it booted)"));
    if (s.boot_pending) line(tray::sentence("pending:      boot (the next start boots another generation)"));
    for (const auto& unit : s.failed_units) {
      line(unit.description.empty() ? tray::sentence("failed unit:  %s", {unit.name})
                                    : tray::sentence("failed unit:  %1$s (%2$s)", {unit.name, unit.description}));
    }
  }
  if (const auto job = tray::running_job(state)) {
    auto said = tray::sentence("job:          %1$s %2$s: %3$s", {std::string(tray::job_noun(*job)), job->job_id, ""});
    said.translated = {0};
    line(said.nest(2, job->text_sentence));
  }
  if (const auto failure = tray::job_failure(state)) {
    auto said = tray::sentence("last job:     %1$s %2$s failed: %3$s",
                               {std::string(tray::job_kind_noun(failure->kind)), failure->job_id, failure->summary});
    said.translated = {0};
    line(said);
  }
}

json to_json(const tray::TrayState& state, const tray::TrayPresentation& view, const tray::DistroRecord* record) {
  json j;
  j["condition"] = std::string(tray::to_string(state.condition));
  j["icon"] = std::string(tray::to_string(view.icon));
  j["tooltip"] = view.tooltip;
  j["detail"] = view.detail;
  j["connected"] = tray::is_connected(state);
  j["endpoint"] = state.endpoint;
  j["distro"] = std::string(tray::to_string(state.power));
  j["hello"] = state.hello ? json(*state.hello) : json(nullptr);
  j["status"] = state.status ? json(*state.status) : json(nullptr);
  j["generations"] = state.generations;
  // The default generation's boot check, as the agent records it, and how the tray flags it.
  if (state.status) {
    j["verification"] = json(state.status->verification);
    const auto flagged = tray::verification_view(state);
    j["verification"]["badge"] = flagged.has_value() && flagged->badge;
    j["verification"]["menu_line"] = flagged ? json(flagged->menu_line) : json(nullptr);
  } else {
    j["verification"] = nullptr;
  }
  if (state.last_failure && !tray::is_connected(state)) {
    j["unreachable"] = {{"reason", std::string(tray::to_string(state.last_failure->reason))},
                        {"message", state.last_failure->message}};
  } else {
    j["unreachable"] = nullptr;
  }
  if (const auto job = tray::running_job(state)) {
    j["running_job"] = {{"id", job->job_id},
                        {"kind", json(job->kind)},
                        {"text", job->text},
                        {"percent", job->percent ? json(*job->percent) : json(nullptr)}};
  } else {
    j["running_job"] = nullptr;
  }
  // What the host remembers: a boot check that did not finish is reported at the next start.
  j["host_known_good"] = record && record->known_good ? json(*record->known_good) : json(nullptr);
  if (record && record->verify_in_progress) {
    const auto& v = *record->verify_in_progress;
    j["interrupted_verify"] = {{"expected_generation", v.expected_generation},
                               {"known_good_before", v.known_good_before ? json(*v.known_good_before) : json(nullptr)},
                               {"started", v.started},
                               {"step", v.step},
                               {"message", tray::describe_interrupted_verify(v)}};
  } else {
    j["interrupted_verify"] = nullptr;
  }
  return j;
}

}  // namespace

int run_status(const cli::ParsedCommandLine& args, CommandContext& context) {
  // Until the link has synced or failed its one attempt.
  const auto state = context.run(context.session.probe(context.timeout + std::chrono::seconds(5)));
  const auto view = tray::present(state, context.session.distro());
  if (args.has("json")) {
    std::cout << to_json(state, view, context.session.record()).dump(2) << "\n";
  } else {
    print_text(state, view);
  }
  return tray::is_connected(state) || state.synced ? exit_ok : exit_unreachable;
}

}  // namespace nixtray::ctl
