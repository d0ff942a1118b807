#include "core/verify/verify_progress_view.hpp"

#include <algorithm>

namespace nixtray::tray {

namespace {

// The steps of the verify phase in the order the verifier takes them (boot_verifier.hpp).
constexpr std::string_view planned_steps[] = {"pre-flight", "stop",  "start",   "agent",   "generation", "activation",
                                              "systemd",    "units", "console", "session", "mark-good"};

std::string number(const std::optional<int>& generation) {
  return generation ? std::to_string(*generation) : std::string("?");
}

const VerifyStep* failed_step_of(const VerifyReport& report) {
  for (const auto& step : report.steps) {
    if (step.phase == "verify" && step.status == StepStatus::failed) return &step;
  }
  return nullptr;
}

// A long list is cut with a count, in no language: the lines are data.
std::string more_text(int omitted) { return "\xE2\x80\xA6 +" + std::to_string(omitted); }

}  // namespace

StepRowState row_state(StepStatus status) {
  switch (status) {
    case StepStatus::running:
      return StepRowState::running;
    case StepStatus::ok:
      return StepRowState::passed;
    case StepStatus::warn:
      return StepRowState::warned;
    case StepStatus::failed:
      return StepRowState::failed;
    case StepStatus::unknown:
      return StepRowState::unknown;
    case StepStatus::skipped:
      return StepRowState::skipped;
  }
  return StepRowState::unknown;
}

std::string_view to_string(StepRowState state) {
  switch (state) {
    case StepRowState::pending:
      return "pending";
    case StepRowState::running:
      return "running";
    case StepRowState::passed:
      return "passed";
    case StepRowState::warned:
      return "warned";
    case StepRowState::failed:
      return "failed";
    case StepRowState::unknown:
      return "unknown";
    case StepRowState::skipped:
      return "skipped";
  }
  return "unknown";
}

std::string_view step_row_state_text(StepRowState state) {
  return state == StepRowState::warned ? "passed, with warnings" : to_string(state);
}

std::string_view verify_step_title(std::string_view name) {
  if (name == "rebuild") return "Rebuild for the next boot";
  if (name == "pre-flight") return "Pre-flight: the generation is complete";
  if (name == "stop") return "Shut the distro down";
  if (name == "start") return "Start the distro";
  if (name == "agent") return "The agent answers";
  if (name == "generation") return "The expected generation booted";
  if (name == "activation") return "Activation without errors";
  if (name == "systemd") return "systemd finished starting";
  if (name == "units") return "Failed units";
  if (name == "console") return "A console logs in";
  if (name == "session") return "The user's systemd session";
  if (name == "mark-good") return "Record the result";
  if (name == "rollback") return "Roll back";
  return name;
}

Sentence verify_step_line(const VerifyStep& step) {
  const bool recovering = step.phase == "recover";
  const bool running = step.status == StepStatus::running;
  const std::string title(verify_step_title(step.name));
  const std::string state(step_row_state_text(row_state(step.status)));
  Sentence line;
  if (running && recovering) {
    line = sentence("After the rollback: %1$s: %2$s\xE2\x80\xA6", {title, ""});
  } else if (running) {
    line = sentence("%1$s: %2$s\xE2\x80\xA6", {title, ""});
  } else if (recovering) {
    line = sentence("After the rollback: %1$s: %2$s: %3$s", {title, state, ""});
  } else {
    line = sentence("%1$s: %2$s: %3$s", {title, state, ""});
  }
  line.translated = running ? std::vector<std::size_t>{0} : std::vector<std::size_t>{0, 1};
  return line.nest(running ? 1 : 2, step.said.empty() ? sentence("%s", {step.message}) : step.said);
}

Sentence verify_headline(const VerifyReport& report) {
  const auto generation = number(report.expected_generation);
  switch (report.verdict) {
    case VerifyVerdict::passed:
      return sentence("Generation %s starts: boot verification passed", {generation});
    case VerifyVerdict::passed_degraded:
      return sentence("Generation %s starts, with failed units", {generation});
    case VerifyVerdict::unknown:
      return sentence("Generation %s started, but its activation could not be checked", {generation});
    case VerifyVerdict::refused:
      return sentence("Generation %s was not started: pre-flight found it cannot boot", {generation});
    case VerifyVerdict::rebuild_failed:
      return sentence("The rebuild failed; nothing was restarted");
    case VerifyVerdict::not_run:
      return sentence("Boot verification could not run; nothing was restarted");
    case VerifyVerdict::failed:
      break;
  }
  const auto& step = report.failed_step;
  if (step == "stop")
    return sentence("Generation %s could not be verified: the distro did not shut down", {generation});
  if (step == "start") return sentence("Generation %s did not start: the distro failed to start", {generation});
  if (step == "agent") {
    return report.stopped_while_booting
               ? sentence("Generation %s did not start: its init or systemd exited during boot", {generation})
               : sentence("Generation %s did not start: its agent did not answer in time", {generation});
  }
  if (step == "generation") {
    return report.booted_generation ? sentence("Generation %1$s did not boot: generation %2$s started instead",
                                               {generation, number(report.booted_generation)})
                                    : sentence("Generation %s did not boot", {generation});
  }
  if (step == "activation") return sentence("Generation %s started, but its activation reported errors", {generation});
  if (step == "systemd") return sentence("Generation %s started, but systemd did not finish starting", {generation});
  if (step == "console") return sentence("Generation %s started, but its default user cannot log in", {generation});
  if (step == "session") {
    return sentence("Generation %s started, but the user's systemd session did not come up", {generation});
  }
  return sentence("Generation %s failed boot verification", {generation});
}

Sentence verify_outcome(const VerifyReport& report) {
  if (report.verdict != VerifyVerdict::failed) {
    if (report.verdict == VerifyVerdict::passed || report.verdict == VerifyVerdict::passed_degraded) {
      return sentence("The distro keeps generation %s.", {number(report.expected_generation)});
    }
    if (report.verdict == VerifyVerdict::unknown) {
      return sentence("Generation %s was kept, but not marked known good.", {number(report.expected_generation)});
    }
    return sentence("Nothing was restarted; the distro runs what it ran before.");
  }
  switch (report.recovery) {
    case RecoveryResult::recovered:
      return sentence("Rolled back to generation %s, which started again.", {number(report.rolled_back_to)});
    case RecoveryResult::disabled:
      return sentence("Automatic rollback is off: generation %s was left as it is.",
                      {number(report.expected_generation)});
    case RecoveryResult::not_recovered:
      if (!report.known_good_before) return sentence("There is no known-good generation to roll back to.");
      if (report.rolled_back_to) {
        return sentence("Rolled back to generation %s, but it did not start either: the distro needs a rescue by hand.",
                        {number(report.rolled_back_to)});
      }
      return sentence("Rolling back to generation %s failed: the distro needs a rescue by hand.",
                      {number(report.known_good_before)});
    case RecoveryResult::not_needed:
      break;
  }
  return {};
}

namespace {

// Text from a log or the agent, shown as it is.
Sentence as_is(std::string text) { return sentence("%s", {std::move(text)}); }

std::vector<Sentence> as_is(const std::vector<std::string>& lines) {
  std::vector<Sentence> said;
  said.reserve(lines.size());
  for (const auto& line : lines) said.push_back(as_is(line));
  return said;
}

// "<step title>: <what it found>", from `format` ("%1$s: %2$s", or with a mark before it).
Sentence step_line(const char* format, const VerifyStep& step) {
  auto line = sentence(format, {std::string(), std::string()});
  line.nest(0, sentence(std::string(verify_step_title(step.name))));
  line.nest(1, step.said.empty() ? as_is(step.message) : step.said);
  return line;
}

}  // namespace

std::vector<EvidenceSection> verify_evidence_sections(const VerifyReport& report) {
  std::vector<EvidenceSection> sections;
  const auto add = [&](std::string heading, std::vector<Sentence> lines) {
    if (!lines.empty()) sections.push_back({std::move(heading), std::move(lines)});
  };
  if (const auto* failed = failed_step_of(report)) {
    std::vector<Sentence> lines{step_line("%1$s: %2$s", *failed)};
    // The activation's lines have a section of their own.
    if (failed->name != "activation") {
      for (auto& line : as_is(failed->lines)) lines.push_back(std::move(line));
    }
    add("The failed step", std::move(lines));
  }
  add("Activation errors", as_is(report.activation.lines));
  const auto* evidence =
      report.verification && report.verification->evidence ? &*report.verification->evidence : nullptr;
  if (evidence) {
    std::vector<std::string> errors;
    for (const auto& line : evidence->errors) errors.push_back(line.message);
    if (evidence->errors_omitted > 0) errors.push_back(more_text(evidence->errors_omitted));
    if (evidence->note) errors.push_back("(" + *evidence->note + ")");
    add("Errors in the failed boot's journal", as_is(errors));
    std::vector<std::string> units;
    for (const auto& unit : evidence->failed_units) {
      units.push_back(unit.unit + (unit.result.empty() ? "" : " (" + unit.result + ")"));
      for (const auto& line : unit.lines) units.push_back("    " + line.message);
    }
    add("Failed units and their last lines", as_is(units));
  } else {
    add("Failed units and their last lines", as_is(report.failed_units));
  }
  std::vector<Sentence> recovery;
  for (const auto& step : report.steps) {
    if (step.phase != "recover") continue;
    recovery.push_back(
        step_line(step.status == StepStatus::failed ? "\xE2\x9C\x97 %1$s: %2$s" : "\xE2\x9C\x93 %1$s: %2$s", step));
    if (step.status == StepStatus::failed) {
      for (auto& line : as_is(step.lines)) recovery.push_back(std::move(line));
    }
  }
  add("What the rollback did", std::move(recovery));
  return sections;
}

VerifyProgressView::VerifyProgressView(int serial, bool rebuild_first, std::optional<int> expected)
    : serial_(serial), expected_(expected) {
  if (rebuild_first) rows_.push_back({"rebuild", "verify", std::string(verify_step_title("rebuild"))});
  for (const auto name : planned_steps) {
    rows_.push_back({std::string(name), "verify", std::string(verify_step_title(name))});
  }
  headline_ = rebuild_first ? sentence("Rebuilding, then verifying that the new generation starts\xE2\x80\xA6")
              : expected    ? sentence("Verifying that generation %s starts\xE2\x80\xA6", {std::to_string(*expected)})
                            : sentence("Verifying that the next generation starts\xE2\x80\xA6");
}

VerifyStepRow* VerifyProgressView::find(const std::string& name, const std::string& phase) {
  // The newest row of that name: the recover phase runs stop, start ... again.
  for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) {
    if (it->name == name && it->phase == phase) return &*it;
  }
  return nullptr;
}

void VerifyProgressView::step(const VerifyStep& step) {
  if (step.phase == "recover") {
    // The check of the new generation ended with a failure: what it did not reach never will.
    for (auto& row : rows_) {
      if (row.phase == "verify" && row.state == StepRowState::pending) row.state = StepRowState::skipped;
    }
  }
  auto* row = find(step.name, step.phase);
  if (!row || (step.phase == "recover" && row->state != StepRowState::running && step.status == StepStatus::running)) {
    rows_.push_back({step.name, step.phase, std::string(verify_step_title(step.name))});
    row = &rows_.back();
  }
  row->state = row_state(step.status);
  row->detail = step.message;
  row->detail_sentence = step.said;
  row->lines = step.lines;
}

void VerifyProgressView::finish(const VerifyReport& report) {
  finished_ = true;
  failed_ = report.verdict != VerifyVerdict::passed && report.verdict != VerifyVerdict::passed_degraded;
  for (auto& row : rows_) {
    if (row.state == StepRowState::pending || row.state == StepRowState::running) row.state = StepRowState::skipped;
  }
  headline_ = verify_headline(report);
  outcome_ = verify_outcome(report);
  evidence_ = failed_ ? verify_evidence_sections(report) : std::vector<EvidenceSection>{};
  if (report.verdict == VerifyVerdict::passed_degraded) {
    evidence_ = {{"Failed units and their last lines", as_is(report.failed_units)}};
  }
}

const VerifyStepRow* VerifyProgressView::running() const {
  for (const auto& row : rows_) {
    if (row.state == StepRowState::running) return &row;
  }
  return nullptr;
}

}  // namespace nixtray::tray
