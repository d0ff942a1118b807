// The verify-boot result as nixtrayctl and the tray see it: exit codes (a contract), the JSON form,
// and the tray event, from which NotificationRules makes the notification that says what broke.
#include "catch.hpp"

#include "core/state/notification_rules.hpp"
#include "core/state/tray_state_reducer.hpp"
#include "core/verify/session_verify.hpp"
#include "core/verify/verify_report.hpp"

using namespace nixtray::tray;

namespace {

VerifyReport failed_report(RecoveryResult recovery) {
  VerifyReport report;
  report.verdict = VerifyVerdict::failed;
  report.recovery = recovery;
  report.expected_generation = 3;
  report.known_good_before = 2;
  report.failed_step = "start";
  report.message = "generation 3 did not start: init exited with 1. Rolled back to generation 2, which booted.";
  if (recovery == RecoveryResult::recovered) report.rolled_back_to = 2;
  report.steps.push_back(VerifyStep{"start", "verify", StepStatus::failed, "the distro did not start", {}, {}});
  return report;
}

}  // namespace

TEST_CASE("verify-boot exit codes: 0 passed, 1 recovered, 2 not recovered, 3 refused, 4 rebuild failed, 5 unknown") {
  VerifyReport report;
  report.verdict = VerifyVerdict::passed;
  CHECK(verify_exit_code(report) == 0);
  report.verdict = VerifyVerdict::passed_degraded;
  CHECK(verify_exit_code(report) == 0);
  CHECK(verify_exit_code(failed_report(RecoveryResult::recovered)) == 1);
  CHECK(verify_exit_code(failed_report(RecoveryResult::not_recovered)) == 2);
  CHECK(verify_exit_code(failed_report(RecoveryResult::disabled)) == 2);
  report.verdict = VerifyVerdict::refused;
  CHECK(verify_exit_code(report) == 3);
  report.verdict = VerifyVerdict::rebuild_failed;
  CHECK(verify_exit_code(report) == 4);
  report.verdict = VerifyVerdict::unknown;
  CHECK(verify_exit_code(report) == 5);
  CHECK(std::get<VerifyFinished>(TrayEvent(verify_finished_event(report))).outcome == VerifyOutcome::unknown);
  report.verdict = VerifyVerdict::not_run;
  CHECK(verify_exit_code(report) == 2);
}

TEST_CASE("the JSON form names the verdict, the recovery and each step") {
  const auto j = to_json(failed_report(RecoveryResult::recovered));
  CHECK(j["verdict"] == "failed");
  CHECK(j["recovery"] == "recovered");
  CHECK(j["exit_code"] == 1);
  CHECK(j["failed_step"] == "start");
  CHECK(j["rolled_back_to"] == 2);
  CHECK(j["booted_generation"].is_null());
  CHECK(j["activation"]["state"] == "unknown");
  REQUIRE(j["steps"].size() == 1);
  CHECK(j["steps"][0]["status"] == "failed");
  const auto english = [](const Sentence& said) { return said.english(); };
  CHECK(format_verify_report(failed_report(RecoveryResult::recovered), english).find("FAILED, rolled back") !=
        std::string::npos);
}

TEST_CASE("a rolled-back check becomes a notification that says what broke") {
  const auto report = failed_report(RecoveryResult::recovered);
  const TrayEvent event = verify_finished_event(report);
  CHECK(std::get<VerifyFinished>(event).outcome == VerifyOutcome::rolled_back);
  NotificationRules rules(NotificationToggles{}, std::nullopt, "NixOS");
  const TrayState before;
  const auto after = TrayStateReducer::reduce(before, event);
  CHECK(after.condition == TrayCondition::verify_failed);
  const auto decision = rules.observe(before, after, event);
  REQUIRE(decision.notifications.size() == 1);
  const auto& n = decision.notifications.front();
  CHECK(n.kind == NotificationKind::verify_failed);
  CHECK(n.title.english().find("generation 3 rolled back") != std::string::npos);
  CHECK(n.body.english().find("did not start") != std::string::npos);

  VerifyReport degraded;
  degraded.verdict = VerifyVerdict::passed_degraded;
  degraded.failed_units = {"broken.service"};
  CHECK(std::get<VerifyFinished>(TrayEvent(verify_finished_event(degraded))).outcome == VerifyOutcome::passed_degraded);
}

TEST_CASE("an interrupted check is described with what to do next") {
  VerifyRecord record;
  record.expected_generation = 5;
  record.known_good_before = 4;
  record.started = 1717236000;
  record.step = "agent";
  const auto text = describe_interrupted_verify(record);
  CHECK(text.find("generation 5") != std::string::npos);
  CHECK(text.find("it was at: agent") != std::string::npos);
  CHECK(text.find("nixtrayctl rollback 4") != std::string::npos);
}

TEST_CASE("a tray that finds an unfinished check at start notifies it once, naming the generations") {
  TraySettings settings;
  CHECK_FALSE(interrupted_verify_notification(settings));
  VerifyRecord record;
  record.expected_generation = 5;
  record.known_good_before = 4;
  record.started = 1717236000;
  record.step = "agent";
  settings.record().verify_in_progress = record;
  const auto notice = interrupted_verify_notification(settings);
  REQUIRE(notice);
  CHECK(notice->kind == NotificationKind::verify_failed);
  CHECK(notice->title.english() == "Boot verification did not finish");
  CHECK(notice->body.english().find("generation 5") != std::string::npos);
  CHECK(notice->key.find("1717236000") != std::string::npos);
}

TEST_CASE("the evidence lines list each step, the failed step's output and the agent's evidence") {
  VerifyReport report;
  report.verdict = VerifyVerdict::failed;
  VerifyStep ok;
  ok.name = "systemd";
  ok.status = StepStatus::ok;
  ok.message = "systemd is running";
  VerifyStep console;
  console.name = "console";
  console.status = StepStatus::failed;
  console.message = "root cannot log in: the login exited with 3: set-environment: cannot set up PATH";
  console.lines = {"set-environment: cannot set up PATH"};
  VerifyStep recovered = ok;
  recovered.phase = "recover";
  report.steps = {ok, console, recovered};
  nixtray::protocol::VerificationRecord record;
  record.verification.state = nixtray::protocol::VerificationState::failed;
  nixtray::protocol::BootEvidence evidence;
  evidence.errors = {nixtray::protocol::JournalLine{1, 3, "systemd[1]: Failed to start home-manager-root.service."}};
  evidence.errors_omitted = 2;
  nixtray::protocol::FailedUnitEvidence unit;
  unit.unit = "home-manager-root.service";
  unit.result = "exit-code";
  unit.lines = {nixtray::protocol::JournalLine{1, 3, "collision between .zshrc and .zshrc"}};
  evidence.failed_units = {unit};
  record.evidence = evidence;
  report.verification = record;

  const auto lines = verify_evidence_lines(report);
  const std::vector<std::string> expected = {
      "\xE2\x9C\x93 systemd: systemd is running",
      "\xE2\x9C\x97 console: root cannot log in: the login exited with 3: set-environment: cannot set up PATH",
      "    set-environment: cannot set up PATH",
      "\xE2\x9C\x93 recover/systemd: systemd is running",
      "The failed boot's journal (errors):",
      "    systemd[1]: Failed to start home-manager-root.service.",
      "    ... and 2 more",
      "Failed unit home-manager-root.service (exit-code):",
      "    collision between .zshrc and .zshrc"};
  CHECK(lines == expected);
  CHECK(verify_finished_event(report).evidence == expected);
}
