// What the tray's Verify window shows of one boot verification, as it runs and after: every step
// it will take (pending until it starts, then running, passed, failed, skipped ...) with the
// step's detail, a headline a person understands ("Generation 43 did not start: its systemd
// exited during boot"; the command and its exit code are detail), what the rollback did, and on
// a failure the evidence in one place (the failed step, the activation's error lines, the failed
// boot's journal errors, failed units with their last lines, the rollback's steps). Fed with the
// BootVerifier's steps and report; no wx. Titles, states and headings are fixed English that
// po/core_messages.cc lists for the catalog; details and evidence lines are data (a unit's log
// line, a shell's output) and stay as they are.
#pragma once

#include "core/state/sentence.hpp"
#include "core/verify/verify_report.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

enum class StepRowState { pending, running, passed, warned, failed, unknown, skipped };
std::string_view to_string(StepRowState state);  // "pending", ... (the UI log's words)

struct VerifyStepRow {
  std::string name;              // the report's step name: "console"
  std::string phase = "verify";  // "recover": the rollback and the boot after it
  std::string title;             // "A console logs in" (fixed English)
  StepRowState state = StepRowState::pending;
  std::string detail;        // the step's message (English the verifier wrote)
  Sentence detail_sentence;  // the same as a sentence the catalogue translates (empty: only English)
  std::vector<std::string> lines;
};

struct EvidenceSection {
  std::string heading;  // fixed English: "Activation errors"
  // A step's own line is its sentence ("Start the distro: the distro did not start: ..."); lines
  // from logs and the agent are shown as they are ("%s").
  std::vector<Sentence> lines;
};

// The step's title for people ("rebuild" -> "Rebuild for the next boot").
std::string_view verify_step_title(std::string_view name);
// The state's word for people ("pending", "passed, with warnings").
std::string_view step_row_state_text(StepRowState state);
// A report's step as the Verify window shows its state.
StepRowState row_state(StepStatus status);
// One step as a line for people (nixtrayctl's progress and report): "A console logs in: passed:
// alice logged in through /run/current-system/sw/bin/bash", "Start the distro: starting…"; the
// rollback's steps begin "After the rollback:".
Sentence verify_step_line(const VerifyStep& step);

// The headline of a finished check: what happened to which generation, in words.
Sentence verify_headline(const VerifyReport& report);
// What was done about it: "Rolled back to generation 2, which started again." (empty on a pass).
Sentence verify_outcome(const VerifyReport& report);
// The evidence of a failure, in the order a person reads it; empty sections are left out.
std::vector<EvidenceSection> verify_evidence_sections(const VerifyReport& report);

class VerifyProgressView {
 public:
  // `serial` tells one check from the next (the window opens for a new one); `expected` is the
  // generation that boots next when the check starts (unknown when it rebuilds first).
  VerifyProgressView(int serial, bool rebuild_first, std::optional<int> expected);

  void step(const VerifyStep& step);        // a step started or ended
  void finish(const VerifyReport& report);  // the end: pending steps become skipped

  [[nodiscard]] int serial() const { return serial_; }
  [[nodiscard]] bool finished() const { return finished_; }
  [[nodiscard]] bool failed() const { return failed_; }
  [[nodiscard]] const std::vector<VerifyStepRow>& rows() const { return rows_; }
  [[nodiscard]] const VerifyStepRow* running() const;
  [[nodiscard]] const Sentence& headline() const { return headline_; }
  [[nodiscard]] const Sentence& outcome() const { return outcome_; }
  [[nodiscard]] const std::vector<EvidenceSection>& evidence() const { return evidence_; }

 private:
  VerifyStepRow* find(const std::string& name, const std::string& phase);

  int serial_ = 0;
  std::optional<int> expected_;
  bool finished_ = false;
  bool failed_ = false;
  std::vector<VerifyStepRow> rows_;
  Sentence headline_;
  Sentence outcome_;
  std::vector<EvidenceSection> evidence_;
};

}  // namespace nixtray::tray
