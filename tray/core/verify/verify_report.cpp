#include "core/verify/verify_report.hpp"

#include "core/system/local_time.hpp"
#include "core/verify/verify_progress_view.hpp"

#include <ctime>
#include <iomanip>
#include <sstream>

namespace nixtray::tray {

using protocol::json;

namespace {

json optional_number(const std::optional<int>& value) { return value ? json(*value) : json(nullptr); }

}  // namespace

std::string_view to_string(VerifyVerdict verdict) {
  switch (verdict) {
    case VerifyVerdict::passed:
      return "passed";
    case VerifyVerdict::passed_degraded:
      return "passed-degraded";
    case VerifyVerdict::unknown:
      return "unknown";
    case VerifyVerdict::failed:
      return "failed";
    case VerifyVerdict::refused:
      return "refused";
    case VerifyVerdict::rebuild_failed:
      return "rebuild-failed";
    case VerifyVerdict::not_run:
      return "not-run";
  }
  return "not-run";
}

std::string_view to_string(RecoveryResult recovery) {
  switch (recovery) {
    case RecoveryResult::not_needed:
      return "not-needed";
    case RecoveryResult::recovered:
      return "recovered";
    case RecoveryResult::not_recovered:
      return "not-recovered";
    case RecoveryResult::disabled:
      return "disabled";
  }
  return "not-needed";
}

std::string_view to_string(StepStatus status) {
  switch (status) {
    case StepStatus::running:
      return "running";
    case StepStatus::ok:
      return "ok";
    case StepStatus::warn:
      return "warn";
    case StepStatus::failed:
      return "failed";
    case StepStatus::unknown:
      return "unknown";
    case StepStatus::skipped:
      return "skipped";
  }
  return "unknown";
}

int verify_exit_code(const VerifyReport& report) {
  switch (report.verdict) {
    case VerifyVerdict::passed:
    case VerifyVerdict::passed_degraded:
      return 0;
    case VerifyVerdict::failed:
      return report.recovery == RecoveryResult::recovered ? 1 : 2;
    case VerifyVerdict::refused:
      return 3;
    case VerifyVerdict::rebuild_failed:
      return 4;
    case VerifyVerdict::unknown:
      return 5;
    case VerifyVerdict::not_run:
      return 2;
  }
  return 2;
}

json to_json(const VerifyStep& step) {
  return json{{"name", step.name},       {"phase", step.phase}, {"status", std::string(to_string(step.status))},
              {"message", step.message}, {"lines", step.lines}, {"duration_ms", step.duration.count()}};
}

json to_json(const VerifyReport& report) {
  json steps = json::array();
  for (const auto& step : report.steps) steps.push_back(to_json(step));
  json interrupted = nullptr;
  if (report.interrupted) {
    interrupted = {{"expected_generation", report.interrupted->expected_generation},
                   {"known_good_before", optional_number(report.interrupted->known_good_before)},
                   {"started", report.interrupted->started},
                   {"step", report.interrupted->step}};
  }
  return json{{"verdict", std::string(to_string(report.verdict))},
              {"recovery", std::string(to_string(report.recovery))},
              {"exit_code", verify_exit_code(report)},
              {"expected_generation", optional_number(report.expected_generation)},
              {"booted_generation", optional_number(report.booted_generation)},
              {"known_good_before", optional_number(report.known_good_before)},
              {"rolled_back_to", optional_number(report.rolled_back_to)},
              {"recovery_booted_generation", optional_number(report.recovery_booted_generation)},
              {"failed_step", report.failed_step.empty() ? json(nullptr) : json(report.failed_step)},
              {"message", report.message},
              {"activation", json(report.activation)},
              {"failed_units", report.failed_units},
              {"preflight", report.preflight ? json(*report.preflight) : json(nullptr)},
              {"interrupted", interrupted},
              {"rebuild_job", report.rebuild_job ? json(*report.rebuild_job) : json(nullptr)},
              {"store_path", report.store_path ? json(*report.store_path) : json(nullptr)},
              {"verification", report.verification ? json(*report.verification) : json(nullptr)},
              {"steps", steps},
              {"duration_ms", report.duration.count()}};
}

namespace {

// The verdict in a few words, for the report's first line.
std::string_view verdict_words(const VerifyReport& report) {
  switch (report.verdict) {
    case VerifyVerdict::passed:
      return "passed";
    case VerifyVerdict::passed_degraded:
      return "passed, with failed units";
    case VerifyVerdict::unknown:
      return "UNKNOWN: booted, but its activation could not be checked";
    case VerifyVerdict::failed:
      if (report.recovery == RecoveryResult::recovered) return "FAILED, rolled back";
      if (report.recovery == RecoveryResult::disabled) return "FAILED (automatic rollback is off)";
      return "FAILED, NOT recovered";
    case VerifyVerdict::refused:
      return "refused by pre-flight";
    case VerifyVerdict::rebuild_failed:
      return "the rebuild failed";
    case VerifyVerdict::not_run:
      break;
  }
  return "could not run";
}

}  // namespace

std::string format_verify_report(const VerifyReport& report, const SentenceWords& say) {
  std::ostringstream out;
  auto first = report.expected_generation
                   ? sentence("Boot verification of generation %1$s: %2$s",
                              {std::to_string(*report.expected_generation), std::string(verdict_words(report))})
                   : sentence("Boot verification: %s", {std::string(verdict_words(report))});
  first.translated = {first.args.size() - 1};
  out << say(first) << "\n";
  out << say(verify_headline(report)) << "\n";
  if (const auto outcome = verify_outcome(report); !outcome.empty()) out << say(outcome) << "\n";
  // Why it could not run is in no step: the verifier's own words.
  if (report.verdict == VerifyVerdict::not_run) out << report.message << "\n";
  if (!report.activation.lines.empty()) {
    out << say(sentence("activation errors:")) << "\n";
    for (const auto& line : report.activation.lines) out << "  " << line << "\n";
  }
  out << say(sentence("steps:")) << "\n";
  for (const auto& step : report.steps) {
    out << "  " << say(verify_step_line(step)) << " (" << step.duration.count() << " ms)\n";
    if (step.status == StepStatus::failed && step.name != "activation") {
      for (const auto& line : step.lines) out << "      | " << line << "\n";
    }
  }
  if (report.verification && report.verification->evidence) {
    const auto& evidence = *report.verification->evidence;
    out << say(sentence("evidence of the failed boot (recorded by the agent):")) << "\n";
    for (const auto& line : evidence.errors) out << "  " << line.message << "\n";
    if (evidence.errors_omitted > 0) {
      out << "  "
          << say(counted("... and %s more error", "... and %s more errors",
                         static_cast<unsigned long>(evidence.errors_omitted)))
          << "\n";
    }
    for (const auto& unit : evidence.failed_units) {
      out << "  "
          << say(unit.result.empty() ? sentence("failed unit %s:", {unit.unit})
                                     : sentence("failed unit %1$s (%2$s):", {unit.unit, unit.result}))
          << "\n";
      for (const auto& line : unit.lines) out << "    " << line.message << "\n";
    }
    if (evidence.note) out << "  (" << *evidence.note << ")\n";
  }
  out << say(sentence("took %s ms", {std::to_string(report.duration.count())})) << "\n";
  return out.str();
}

std::vector<std::string> verify_evidence_lines(const VerifyReport& report) {
  std::vector<std::string> lines;
  for (const auto& step : report.steps) {
    const char* mark = step.status == StepStatus::ok       ? "\xE2\x9C\x93 "   // ✓
                       : step.status == StepStatus::failed ? "\xE2\x9C\x97 "   // ✗
                                                           : "\xE2\x80\xA2 ";  // •
    lines.push_back(mark + std::string(step.phase == "recover" ? "recover/" : "") + step.name + ": " + step.message);
    if (step.status == StepStatus::failed) {
      for (const auto& line : step.lines) lines.push_back("    " + line);
    }
  }
  if (report.verification && report.verification->evidence) {
    const auto& evidence = *report.verification->evidence;
    lines.emplace_back("The failed boot's journal (errors):");
    for (const auto& line : evidence.errors) lines.push_back("    " + line.message);
    if (evidence.errors_omitted > 0) {
      lines.push_back("    ... and " + std::to_string(evidence.errors_omitted) + " more");
    }
    for (const auto& unit : evidence.failed_units) {
      lines.push_back("Failed unit " + unit.unit + (unit.result.empty() ? "" : " (" + unit.result + ")") + ":");
      for (const auto& line : unit.lines) lines.push_back("    " + line.message);
    }
    if (evidence.note) lines.push_back("(" + *evidence.note + ")");
  }
  return lines;
}

VerifyFinished verify_finished_event(const VerifyReport& report) {
  VerifyFinished finished;
  finished.message = report.message;
  finished.headline = verify_headline(report);
  finished.generation = report.expected_generation;
  finished.evidence = verify_evidence_lines(report);
  switch (report.verdict) {
    case VerifyVerdict::passed:
      finished.outcome = VerifyOutcome::passed;
      break;
    case VerifyVerdict::passed_degraded:
      finished.outcome = VerifyOutcome::passed_degraded;
      break;
    case VerifyVerdict::unknown:
      finished.outcome = VerifyOutcome::unknown;
      break;
    case VerifyVerdict::refused:
      finished.outcome = VerifyOutcome::refused;
      break;
    case VerifyVerdict::failed:
      finished.outcome =
          report.recovery == RecoveryResult::recovered ? VerifyOutcome::rolled_back : VerifyOutcome::failed;
      break;
    case VerifyVerdict::rebuild_failed:
    case VerifyVerdict::not_run:
      finished.outcome = VerifyOutcome::failed;
      break;
  }
  return finished;
}

std::string describe_interrupted_verify(const VerifyRecord& record) {
  return "A boot verification of generation " + std::to_string(record.expected_generation) + " started " +
         local_time_text(record.started, "%Y-%m-%d %H:%M:%S") + " did not finish (it was at: " + record.step +
         "): the tray stopped during it. The distro may be running that generation unchecked" +
         (record.known_good_before ? "; the last known-good generation is " + std::to_string(*record.known_good_before)
                                   : std::string()) +
         ". Check it again (nixtrayctl verify-boot)" +
         (record.known_good_before
              ? " or roll back (nixtrayctl rollback " + std::to_string(*record.known_good_before) + ")"
              : std::string()) +
         ".";
}

}  // namespace nixtray::tray
