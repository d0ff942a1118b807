// `nixtrayctl status`: one look at the agent (TraySession::probe: the tray's own link and reducer)
// and the state the tray would show, printed.
#include "core/state/state_text.hpp"
#include "core/state/tray_state.hpp"
#include "core/state/verification_view.hpp"
#include "core/verify/verify_report.hpp"
#include "ctl/ctl_program.hpp"

#include "nixtray/protocol/wire_name.hpp"

#include <iostream>

namespace nixtray::ctl {

using protocol::json;

namespace {

std::string generation_text(const std::optional<int>& n) { return n ? std::to_string(*n) : std::string("?"); }

// "generation 43 unverified (unverified)", "generation 42 verified, known-good after its
// probation", "generation 43 failed at console: ...".
std::string verification_text(const protocol::Verification& v) {
  const auto state = protocol::wire_name(v.state);
  std::string text = v.generation ? "generation " + std::to_string(*v.generation) + " " + state : state;
  switch (v.state) {
    case protocol::VerificationState::unverified:
      text += " (unverified: nixtrayctl verify-boot checks it)";
      break;
    case protocol::VerificationState::failed:
      if (v.step) text += " at " + *v.step;
      if (v.reason) text += ": " + *v.reason;
      break;
    case protocol::VerificationState::verified:
      if (v.probation && v.probation->state == protocol::ProbationState::running) {
        text += ", known-good after its probation";
      } else if (v.probation && v.probation->state == protocol::ProbationState::voided) {
        text += ", probation voided" + (v.probation->reason ? ": " + *v.probation->reason : std::string());
      }
      break;
    case protocol::VerificationState::unknown:
      text += " (this agent does not record boot checks)";
      break;
    case protocol::VerificationState::verifying:
      break;
  }
  return text;
}

void print_text(const tray::TrayState& state, const tray::TrayPresentation& view) {
  std::cout << view.tooltip << "\n";
  std::cout << "state:        " << tray::to_string(state.condition) << "\n";
  if (!view.detail.empty()) {
    std::cout << "detail:       " << view.detail << "\n";
  }
  if (state.hello) {
    std::cout << "agent:        " << state.hello->agent << " at " << state.endpoint
              << (state.hello->authorized ? "" : " (read-only)") << "\n";
  }
  if (state.status) {
    const auto& s = *state.status;
    std::cout << "host:         " << s.hostname << "\n";
    std::cout << "systemd:      " << protocol::wire_name(s.system_state) << ", " << s.systemd_jobs << " jobs queued\n";
    std::cout << "generations:  default " << generation_text(s.generations.default_generation) << ", current "
              << generation_text(s.generations.current) << ", booted " << generation_text(s.generations.booted)
              << ", known-good " << generation_text(s.generations.known_good) << "\n";
    std::cout << "verification: " << verification_text(s.verification) << "\n";
    if (s.restart_pending) std::cout << "pending:      restart (the running system is not the one it booted)\n";
    if (s.boot_pending) std::cout << "pending:      boot (the next start boots another generation)\n";
    for (const auto& unit : s.failed_units) {
      std::cout << "failed unit:  " << unit.name << (unit.description.empty() ? "" : " (" + unit.description + ")")
                << "\n";
    }
  }
  if (const auto job = tray::running_job(state)) {
    std::cout << "job:          " << tray::job_noun(*job) << " " << job->job_id << ": " << job->text << "\n";
  }
  if (const auto failure = tray::job_failure(state)) {
    std::cout << "last job:     " << tray::job_kind_noun(failure->kind) << " " << failure->job_id
              << " failed: " << failure->summary << "\n";
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
