// The Rebuild menu's flow as a pure state machine: by default build first, show what will change,
// ask, then activate (switch/boot/test); or activate directly when review is off. The owner feeds
// it results (job started, job updates, diff, the user's answer) and carries out the command
// each step returns (start a job, fetch a diff).
//
// Protocol 1 gap: a `build` job leaves its result outside the system profile, and neither `Job`
// (no result path) nor `generations.diff` (generation numbers only) can name it. So the package
// diff cannot be shown before activating; the review step says so and still asks. After a switch
// or boot, the diff between the generations before and after is fetched instead.
#pragma once

#include "core/action_result.hpp"
#include "core/agent_actions.hpp"

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/jobs.hpp"

#include <optional>
#include <string>
#include <variant>

namespace nixtray::tray {

enum class RebuildStep {
  idle,
  building,    // the build-only job runs (review)
  reviewing,   // built; waiting for the user's answer
  activating,  // the job with the chosen mode runs
  finished,
  failed,
  cancelled,   // the user declined, or the job was cancelled
};
std::string_view to_string(RebuildStep step);

class RebuildFlow {
 public:
  struct StartJob {
    RebuildRequest request;
  };
  struct FetchDiff {
    int from = 0;
    int to = 0;
  };
  using Command = std::variant<std::monostate, StartJob, FetchDiff>;

  Command begin(protocol::RebuildMode mode, std::optional<std::string> flake, bool review);
  Command job_started(const std::string& job_id);
  Command job_start_failed(const ActionError& error);
  // Any job update; only the flow's own job is looked at.
  Command job_updated(const protocol::Job& job);
  Command diff_received(const ActionResult<protocol::GenerationsDiff>& diff);
  Command confirm();  // the user accepts activating
  Command decline();

  [[nodiscard]] RebuildStep step() const { return step_; }
  [[nodiscard]] bool active() const;
  [[nodiscard]] protocol::RebuildMode mode() const { return mode_; }
  [[nodiscard]] const std::string& job_id() const { return job_id_; }
  [[nodiscard]] const std::optional<protocol::GenerationsDiff>& diff() const { return diff_; }
  // Why no diff is shown (the protocol gap, or the agent's error).
  [[nodiscard]] const std::string& diff_note() const { return diff_note_; }
  [[nodiscard]] const std::string& failure() const { return failure_; }
  // What the review step asks.
  [[nodiscard]] std::string question() const;

 private:
  Command start(protocol::RebuildMode mode);

  RebuildStep step_ = RebuildStep::idle;
  protocol::RebuildMode mode_ = protocol::RebuildMode::switch_;
  std::optional<std::string> flake_;
  std::string job_id_;
  bool awaiting_job_id_ = false;
  std::optional<protocol::GenerationsDiff> diff_;
  std::string diff_note_;
  std::string failure_;
};

}  // namespace nixtray::tray
