// The Rebuild menu's flow as a pure state machine: by default build first, show what will change,
// ask, then activate (switch/boot/test); or activate directly when review is off. The owner feeds
// it results (job started, job updates, diff, the user's answer) and carries out the command
// each step returns (start a job, fetch a diff).
//
// What will change is the package diff from the current generation to the build job's
// `result_path` (`generations.diff` with `to_path`); activating then activates that very store path
// (`jobs.start` with `system`), so what runs is what was reviewed. When the diff cannot be had,
// the review says why and still asks. Without review, the diff between the generations before
// and after is fetched once the job is done.
//
// An update (begin_update) is the same review with `nix flake update` first: the build job updates
// the inputs in a copy of the flake (its Job.update says which moved), the review shows those and
// the diff, and confirming switches to the built path (the agent then writes the new flake.lock).
// Declining writes nothing. A switched update is always followed by verify boot (session_verify).
#pragma once

#include "core/link/action_result.hpp"
#include "core/link/agent_actions.hpp"

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/jobs.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace nixtray::tray {

enum class RebuildStep {
  idle,
  building,    // the build-only job runs (review)
  comparing,   // built; the diff against the current generation is being fetched
  reviewing,   // built (and compared, if it could be); waiting for the user's answer
  activating,  // the job with the chosen mode runs
  finished,
  failed,
  cancelled,  // the user declined, or the job was cancelled
};
std::string_view to_string(RebuildStep step);

// A diff cut down to what a confirmation can show.
struct DiffSummary {
  int changed = 0;
  int added = 0;
  int removed = 0;
  int resized = 0;  // negligible resizes included
  std::int64_t from_closure_size = 0;
  std::int64_t to_closure_size = 0;
  // Version changes first (they are what a person reviews), then resizes; negligible ones never.
  std::vector<protocol::PackageChange> shown;
  std::size_t not_shown = 0;  // the other changes, negligible ones included
};
DiffSummary summarize(const protocol::GenerationsDiff& diff, std::size_t at_most);

class RebuildFlow {
 public:
  struct StartJob {
    RebuildRequest request;
  };
  struct FetchDiff {
    protocol::GenerationsDiffParams params;
  };
  using Command = std::variant<std::monostate, StartJob, FetchDiff>;

  Command begin(protocol::RebuildMode mode, std::optional<std::string> flake, bool review);
  // Update the flake's inputs in a copy, build, review; confirming switches. `flake`: the settings'
  // (unset: the agent's own setting, or the agent refuses).
  Command begin_update(std::optional<std::string> flake);
  Command job_started(const std::string& job_id);
  Command job_start_failed(const ActionError& error);
  // Any job update; only the flow's own job is looked at. `current_generation` is what a finished
  // build is compared with; unknown, the job's generation_before stands in for it.
  Command job_updated(const protocol::Job& job, std::optional<int> current_generation = std::nullopt);
  Command diff_received(const ActionResult<protocol::GenerationsDiff>& diff);
  Command confirm();  // the user accepts activating
  Command decline();

  [[nodiscard]] RebuildStep step() const { return step_; }
  [[nodiscard]] bool active() const;
  [[nodiscard]] protocol::RebuildMode mode() const { return mode_; }
  [[nodiscard]] const std::string& job_id() const { return job_id_; }
  // An update (begin_update), not a rebuild of the flake as it is locked.
  [[nodiscard]] bool updating() const { return update_; }
  // An update's build: the inputs that moved (the build job's Job.update).
  [[nodiscard]] const std::optional<protocol::FlakeUpdate>& flake_update() const { return flake_update_; }
  // An update switched to: the flake.lock the agent wrote (the switch job's lock_written).
  [[nodiscard]] const std::optional<std::string>& lock_written() const { return lock_written_; }
  // Before asking: from the current generation to the build; after activating without review:
  // from the generation before to the one after.
  [[nodiscard]] const std::optional<protocol::GenerationsDiff>& diff() const { return diff_; }
  // The store path the build job made (its result_path), which confirming activates.
  [[nodiscard]] const std::optional<std::string>& built_system() const { return built_system_; }
  // Why no diff is shown (the agent's error, or what it did not report).
  [[nodiscard]] const std::string& diff_note() const { return diff_note_; }
  [[nodiscard]] const std::string& failure() const { return failure_; }
  // What the review step asks.
  [[nodiscard]] std::string question() const;

 private:
  Command start(protocol::RebuildMode mode, std::optional<std::string> system = std::nullopt);
  Command review_without_diff(const std::string& why);
  void reset(protocol::RebuildMode mode, std::optional<std::string> flake, bool update);

  RebuildStep step_ = RebuildStep::idle;
  protocol::RebuildMode mode_ = protocol::RebuildMode::switch_;
  std::optional<std::string> flake_;
  std::optional<std::string> built_system_;
  bool update_ = false;
  std::optional<protocol::FlakeUpdate> flake_update_;
  std::optional<std::string> lock_written_;
  std::string job_id_;
  bool awaiting_job_id_ = false;
  std::optional<protocol::GenerationsDiff> diff_;
  std::string diff_note_;
  std::string failure_;
};

}  // namespace nixtray::tray
