// What a verify-boot found: each step with its result, the verdict (passed, passed with failed
// units, unknown activation, failed, refused by pre-flight), whether a failed boot was rolled back to a generation that
// then booted, and what broke (the step, the activation's error lines, the failed units). Plain
// data with its JSON form (nixtrayctl verify-boot --json), its exit code (nixtrayctl's contract)
// and the tray event it becomes (VerifyFinished, from which NotificationRules notifies).
#pragma once

#include "core/settings/tray_settings.hpp"
#include "core/state/sentence.hpp"
#include "core/state/tray_event.hpp"

#include "nixtray/protocol/json.hpp"
#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/verification.hpp"
#include "nixtray/protocol/verify.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

enum class VerifyVerdict {
  passed,           // booted the expected generation; activation without errors; systemd running
  passed_degraded,  // the same, with failed units (named): kept, not rolled back
  unknown,          // booted the expected generation and systemd runs, but its activation report could not be
                    // read: not counted as passed (not marked known-good), not as failed (not rolled back)
  failed,           // a step failed: see failed_step, recovery
  refused,          // pre-flight refused the generation: nothing was restarted
  rebuild_failed,   // "rebuild and verify": the rebuild job failed; nothing was restarted
  not_run,          // the check could not start (no agent to ask, no distro control): nothing was restarted
};
std::string_view to_string(VerifyVerdict verdict);

enum class RecoveryResult {
  not_needed,     // the check passed, or never restarted anything
  recovered,      // rolled back to the known-good generation, which then booted
  not_recovered,  // the rollback or the boot after it failed: the distro needs a person
  disabled,       // auto-rollback is off (--no-rollback): left as it is
};
std::string_view to_string(RecoveryResult recovery);

enum class StepStatus { running, ok, warn, failed, unknown, skipped };
std::string_view to_string(StepStatus status);

// Step names: "rebuild", "pre-flight", "stop", "start", "agent", "generation", "activation",
// "systemd", "units", "console", "session", "mark-good", "rollback".
struct VerifyStep {
  std::string name;
  std::string phase = "verify";  // "verify": the new generation; "recover": the rollback and its boot
  StepStatus status = StepStatus::running;
  std::string message;             // what it found, in English (the JSON report, nixtrayctl)
  Sentence said;                   // the same as a sentence the catalogue translates (the Verify window)
  std::vector<std::string> lines;  // activation error lines, failed units, the console's output
  std::chrono::milliseconds duration{0};
};

struct VerifyReport {
  VerifyVerdict verdict = VerifyVerdict::not_run;
  RecoveryResult recovery = RecoveryResult::not_needed;
  std::optional<int> expected_generation;  // what the profile pointed at: what should boot
  std::optional<int> booted_generation;    // what the restart booted (null: it did not come up)
  std::optional<int> known_good_before;    // the rollback target
  std::optional<int> rolled_back_to;
  std::optional<int> recovery_booted_generation;  // what booted after the rollback
  std::string failed_step;                        // empty unless failed / refused / not run
  bool stopped_while_booting = false;             // the distro ended before its agent answered
  std::string message;                            // one paragraph: the result, or what broke
  protocol::ActivationReport activation;          // of the checked boot; unknown unless read
  std::vector<std::string> failed_units;
  std::optional<protocol::PreflightResult> preflight;
  std::optional<VerifyRecord> interrupted;  // an earlier check a tray did not finish
  std::optional<std::string> rebuild_job;   // "rebuild and verify": the job's id
  std::optional<std::string> store_path;    // of the expected generation, as the agent named it
  // What the agent recorded at the end (verify.record's result): the state every client sees and,
  // for a failure, the evidence it collected from the failed boot's journal. Null: not recorded
  // (an older agent, or none answered).
  std::optional<protocol::VerificationRecord> verification;
  std::vector<VerifyStep> steps;
  std::chrono::milliseconds duration{0};
};

// nixtrayctl's contract: 0 passed (also degraded), 1 failed and recovered, 2 failed and not
// recovered (or the check could not run), 3 pre-flight refused, 4 the rebuild failed.
int verify_exit_code(const VerifyReport& report);

protocol::json to_json(const VerifyStep& step);
protocol::json to_json(const VerifyReport& report);

// For people, in the words `say` gives core's sentences (nixtrayctl's language): the verdict, what
// broke and what was done, then each step.
std::string format_verify_report(const VerifyReport& report, const SentenceWords& say);

// For the status window: each step ("✗ console: root cannot log in: ..."), the failed step's
// lines, and the agent's evidence of the failed boot (its journal errors, failed units).
std::vector<std::string> verify_evidence_lines(const VerifyReport& report);

// The tray event (TraySession::end_verify); NotificationRules notifies failures and rollbacks.
VerifyFinished verify_finished_event(const VerifyReport& report);

// "A boot verification of generation 5 started 2024-06-01 12:00 did not finish (it was at: waiting for
// the agent). ..." for a tray or nixtrayctl that finds a VerifyRecord at start.
std::string describe_interrupted_verify(const VerifyRecord& record);

}  // namespace nixtray::tray
