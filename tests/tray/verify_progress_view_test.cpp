// The Verify window's model (tray/core/verify/verify_progress_view): every step listed before it
// runs, each step's state as the verifier reports it, a headline in words (never a command line)
// and, after a failure, the evidence in one place; and the Sentence its texts are made of.
#include "catch.hpp"

#include "core/state/sentence.hpp"
#include "core/verify/verify_progress_view.hpp"

#include <algorithm>

using namespace nixtray;
using namespace nixtray::tray;

namespace {

VerifyStep step(std::string name, StepStatus status, std::string message, std::string phase = "verify",
                std::vector<std::string> lines = {}) {
  VerifyStep s;
  s.name = std::move(name);
  s.phase = std::move(phase);
  s.status = status;
  s.message = std::move(message);
  s.lines = std::move(lines);
  return s;
}

const VerifyStepRow& row(const VerifyProgressView& view, const std::string& name, const std::string& phase = "verify") {
  const auto& rows = view.rows();
  const auto it = std::find_if(rows.rbegin(), rows.rend(),
                               [&](const VerifyStepRow& r) { return r.name == name && r.phase == phase; });
  REQUIRE(it != rows.rend());
  return *it;
}

// A check of generation 43 whose systemd exited during boot, rolled back to 42, which booted; the
// agent recorded the failed boot's evidence.
VerifyReport failed_report() {
  VerifyReport report;
  report.verdict = VerifyVerdict::failed;
  report.recovery = RecoveryResult::recovered;
  report.expected_generation = 43;
  report.known_good_before = 42;
  report.rolled_back_to = 42;
  report.failed_step = "agent";
  report.stopped_while_booting = true;
  report.steps = {step("pre-flight", StepStatus::ok, "generation 43 looks bootable"),
                  step("stop", StepStatus::ok, "the distro stopped"),
                  step("start", StepStatus::ok, "the distro was started"),
                  step("agent", StepStatus::failed, "the distro stopped while it booted (last: connection refused)"),
                  step("rollback", StepStatus::ok,
                       "the agent does not answer, so it was rolled back from outside: /nix/var/nix/profiles/"
                       "system-42-link/sw/bin/nixtray-agent rescue rollback 42",
                       "recover"),
                  step("stop", StepStatus::ok, "the distro stopped", "recover"),
                  step("agent", StepStatus::ok, "the agent answered 1.2 s after the start", "recover")};
  protocol::VerificationRecord record;
  protocol::BootEvidence evidence;
  evidence.errors = {{1, 3, "systemd[1]: Freezing execution."}};
  evidence.errors_omitted = 4;
  evidence.failed_units = {{"broken.service", "exit-code", {{1, 6, "broken.service: Main process exited"}}}};
  record.evidence = evidence;
  report.verification = record;
  return report;
}

}  // namespace

TEST_CASE("a sentence fills its placeholders in order or by position, and a translation may reorder them") {
  CHECK(sentence("Generation %s did not start", {"43"}).english() == "Generation 43 did not start");
  CHECK(Sentence::fill("%2$s then %1$s, 100%%", {"a", "b"}) == "b then a, 100%");
  CHECK(Sentence::fill("世代 %2$s の後 %1$s", {"a", "b"}) == "世代 b の後 a");
  CHECK(Sentence::fill("%s and %s", {"one"}) == "one and ");  // a missing argument stays empty
  CHECK(Sentence::fill("%d %", {"x"}) == "%d %");             // not a placeholder: kept
}

TEST_CASE("the Verify window lists every step before it runs, then shows each as it runs and ends") {
  VerifyProgressView view(1, false, 43);
  CHECK(view.headline().english() == "Verifying that generation 43 starts\xE2\x80\xA6");
  CHECK_FALSE(view.finished());
  for (const auto* name : {"pre-flight", "stop", "start", "agent", "generation", "activation", "systemd", "units",
                           "console", "session", "mark-good"}) {
    CHECK(row(view, name).state == StepRowState::pending);
  }
  CHECK(row(view, "console").title == "A console logs in");
  CHECK_FALSE(view.running());

  view.step(step("pre-flight", StepStatus::ok, "generation 43 looks bootable"));
  view.step(step("stop", StepStatus::running, "shutting the distro down"));
  CHECK(row(view, "pre-flight").state == StepRowState::passed);
  REQUIRE(view.running());
  CHECK(view.running()->name == "stop");
  CHECK(view.running()->detail == "shutting the distro down");
  view.step(step("stop", StepStatus::ok, "the distro stopped"));
  CHECK(row(view, "stop").state == StepRowState::passed);
  CHECK(row(view, "stop").detail == "the distro stopped");
  CHECK(row(view, "start").state == StepRowState::pending);

  VerifyProgressView rebuilding(2, true, std::nullopt);
  CHECK(rebuilding.rows().front().name == "rebuild");
  CHECK(rebuilding.headline().english().find("Rebuilding") == 0);
}

TEST_CASE("after a failure: a headline in words, what the rollback did, and the evidence in one place") {
  const auto report = failed_report();
  VerifyProgressView view(1, false, 43);
  for (const auto& s : report.steps) view.step(s);
  // The recover phase runs stop and agent again: rows of their own, after the rollback.
  CHECK(row(view, "agent").state == StepRowState::failed);
  CHECK(row(view, "agent", "recover").state == StepRowState::passed);
  CHECK(row(view, "rollback", "recover").state == StepRowState::passed);
  // Once the rollback began, what the failed check did not reach is skipped, not pending.
  CHECK(row(view, "console").state == StepRowState::skipped);
  view.finish(report);

  CHECK(view.finished());
  CHECK(view.failed());
  CHECK(view.headline().english() == "Generation 43 did not start: its init or systemd exited during boot");
  CHECK(view.headline().english().find("nixtray-agent") == std::string::npos);  // the command is detail
  CHECK(view.outcome().english() == "Rolled back to generation 42, which started again.");
  // What never ran is skipped, not left pending.
  CHECK(row(view, "console").state == StepRowState::skipped);
  CHECK(row(view, "mark-good").state == StepRowState::skipped);

  const auto& evidence = view.evidence();
  std::vector<std::string> headings;
  headings.reserve(evidence.size());
  for (const auto& section : evidence) headings.push_back(section.heading);
  CHECK(headings == std::vector<std::string>{"The failed step", "Errors in the failed boot's journal",
                                             "Failed units and their last lines", "What the rollback did"});
  const auto english = [](const std::vector<Sentence>& lines) {
    std::vector<std::string> text;
    text.reserve(lines.size());
    for (const auto& line : lines) text.push_back(line.english());
    return text;
  };
  CHECK(evidence[0].lines.front().english() ==
        "The agent answers: the distro stopped while it booted (last: connection refused)");
  // The step's line is a sentence with the step's title and its detail as sentences inside it.
  CHECK(evidence[0].lines.front().nested.size() == 2);
  CHECK(english(evidence[1].lines) == std::vector<std::string>{"systemd[1]: Freezing execution.", "\xE2\x80\xA6 +4"});
  CHECK(english(evidence[2].lines) ==
        std::vector<std::string>{"broken.service (exit-code)", "    broken.service: Main process exited"});
  REQUIRE(evidence[3].lines.size() == 3);
  CHECK(evidence[3].lines[0].english().find("rescue rollback 42") != std::string::npos);  // the command, as detail
}

TEST_CASE("each failed step has its own headline, and the Overview's headline comes from the same sentence") {
  auto report = failed_report();
  report.stopped_while_booting = false;
  CHECK(verify_headline(report).english() == "Generation 43 did not start: its agent did not answer in time");
  report.failed_step = "console";
  CHECK(verify_headline(report).english() == "Generation 43 started, but its default user cannot log in");
  report.failed_step = "activation";
  report.activation.lines = {"setting up /etc failed"};
  CHECK(verify_headline(report).english() == "Generation 43 started, but its activation reported errors");
  CHECK(verify_evidence_sections(report)[1].heading == "Activation errors");
  report.failed_step = "generation";
  report.booted_generation = 42;
  CHECK(verify_headline(report).english() == "Generation 43 did not boot: generation 42 started instead");

  report.recovery = RecoveryResult::not_recovered;
  report.rolled_back_to.reset();
  CHECK(verify_outcome(report).english() == "Rolling back to generation 42 failed: the distro needs a rescue by hand.");
  report.recovery = RecoveryResult::disabled;
  CHECK(verify_outcome(report).english() == "Automatic rollback is off: generation 43 was left as it is.");

  const auto finished = verify_finished_event(failed_report());
  CHECK(finished.headline.english() == "Generation 43 did not start: its init or systemd exited during boot");

  VerifyReport passed;
  passed.verdict = VerifyVerdict::passed;
  passed.expected_generation = 43;
  VerifyProgressView view(3, false, 43);
  view.finish(passed);
  CHECK_FALSE(view.failed());
  CHECK(view.evidence().empty());
  CHECK(view.headline().english() == "Generation 43 starts: boot verification passed");
}
