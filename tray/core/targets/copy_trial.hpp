// "Try it on a copy" (issue 21): before a risky rebuild of a WSL distro, the same rebuild and boot
// verification on a throw-away copy of it — the canary deploy-rs-style safety lacks on WSL. The
// copy is `wsl.exe --export D FILE` and `wsl.exe --import D-nixtray-trial FOLDER FILE --version 2`,
// reached through its own bridge and restarted with wsl.exe like any WSL target, and unregistered
// afterwards whatever happened, with its folder and the export. The original is only exported:
// nothing runs in it, nothing of it is restarted, and its settings and records are not written.
// Whether to apply the same rebuild to the original is the person's next step (the report says
// whether the copy passed).
#pragma once

#include "core/link/agent_actions.hpp"
#include "core/session_setup.hpp"
#include "core/verify/verify_report.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct CopyTrialRequest {
  RebuildRequest rebuild;  // as the original would be rebuilt (rebuild_before_verify + its flake)
  std::optional<std::chrono::milliseconds> boot_timeout;
  std::string copy_name;         // empty: <distro>-nixtray-trial
  std::filesystem::path folder;  // the export and the copy's disk; empty: default_distro_folder(copy)
};

// "export", "import", "rebuild and verify", "remove"; the check's own steps come through
// on_check_step.
struct TrialStep {
  std::string name;
  StepStatus status = StepStatus::running;
  std::string message;  // English (the report's text and JSON)
  Sentence said;        // the same as a sentence the catalogue translates (the trial's window)
};

struct CopyTrialReport {
  std::string original;
  std::string copy;
  std::vector<TrialStep> steps;
  std::optional<VerifyReport> check;  // the copy's rebuild and boot verification, when it ran
  bool passed = false;                // the copy rebuilt and booted: the same rebuild may go to the original
  bool removed = false;               // the copy is gone again (unregistered, its folder deleted)
  std::string message;                // one paragraph for people, in English (the report's text and JSON)
  Sentence said;                      // the same as a sentence the catalogue translates (the trial's window)
};

struct CopyTrialObserver {
  std::function<void(const TrialStep&)> on_step;
  std::function<void(const VerifyStep&)> on_check_step;
};

// Runs the trial for the target `original` was made for; only a target controlled with wsl.exe
// can be copied (else a report that says so, with nothing done).
net::asio::awaitable<CopyTrialReport> try_on_copy(SessionSetup original, CopyTrialRequest request,
                                                  CopyTrialObserver observer = {});

// The report's closing paragraph: `said` for the window, its English for the text and JSON.
void set_outcome(CopyTrialReport& report, Sentence said);

// nixtrayctl's contract: 0 the copy passed, 1 it failed (the original untouched), 2 the copy
// could not be made or checked at all.
int copy_trial_exit_code(const CopyTrialReport& report);
std::string format_copy_trial_report(const CopyTrialReport& report);
protocol::json to_json(const CopyTrialReport& report);

}  // namespace nixtray::tray
