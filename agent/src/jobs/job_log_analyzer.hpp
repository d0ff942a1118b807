// Reads a job's raw log line by line (as nix-output-monitor reads Nix's internal-json) and keeps
// what the agent reports about the job: its phase, build/download progress, and the details
// needed to explain a failure. Deterministic: re-reading the same file after an agent restart
// gives the same state.
#pragma once

#include "nixtray/protocol/jobs.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::agent {

struct FlatNixEvent;

class JobLogAnalyzer {
 public:
  // How Nix's lines are read: `fast` takes the flat scanner's path where it applies
  // (flat_nix_event.hpp); `full_parse` parses every line with nlohmann::json, the reference the
  // fast path is checked against (tests, the job-log fuzz target).
  enum class Reading { fast, full_parse };
  explicit JobLogAnalyzer(Reading reading = Reading::fast) : reading_(reading) {}

  // Learns from one raw line; returns its visible lines (what visible_lines() gives), parsing the
  // line once for both.
  std::vector<std::string> feed(std::string_view raw_line);

  [[nodiscard]] const protocol::JobProgress& progress() const { return progress_; }
  // Set by a `@nixtray {"result":"..."}` marker, e.g. what a gc freed.
  [[nodiscard]] const std::optional<std::string>& result_note() const { return result_note_; }
  // The system store path a rebuild built or was given.
  [[nodiscard]] const std::optional<std::string>& system_path() const { return system_path_; }
  // What a dry-activate job's switch-to-configuration said activation would do.
  [[nodiscard]] const std::optional<protocol::DryActivation>& dry_activation() const { return dry_activation_; }
  // What a gc's collection deleted, in bytes of disk usage.
  [[nodiscard]] const std::optional<std::int64_t>& freed_bytes() const { return freed_bytes_; }
  [[nodiscard]] const std::optional<protocol::FlakeUpdate>& update() const { return update_; }
  [[nodiscard]] const std::optional<std::string>& lock_written() const { return lock_written_; }

  // Why the job failed, from what the log showed; exit_code is the job's, if known.
  [[nodiscard]] protocol::JobFailure failure(std::optional<int> exit_code) const;
  // The one line of Job.summary for that failure.
  [[nodiscard]] static std::string summary_of(const protocol::JobFailure& failure);

 private:
  struct BuildActivity {
    std::string derivation;  // "hello-2.12.1" (store path without hash and .drv)
    std::optional<std::string> phase;
    std::deque<std::string> last_lines;
  };
  void feed_nix(const nlohmann::json& event);
  void feed_flat_nix(const FlatNixEvent& event);
  void start_build(std::uint64_t id, std::string derivation);
  void stop_activity(std::uint64_t id);
  template <class Fields>
  void update_progress(std::uint64_t id, const Fields& fields);
  void set_build_phase(std::uint64_t id, std::string phase);
  void add_build_line(std::uint64_t id, std::string_view line);
  void feed_marker(const std::string& json_text);
  void feed_plain(std::string_view line);
  void remember_tail(const std::string& line);
  void update_current();

  Reading reading_;
  protocol::JobProgress progress_ = starting_progress();
  static protocol::JobProgress starting_progress() {
    protocol::JobProgress progress;
    progress.phase = protocol::JobPhase::preparing;  // nothing printed yet
    return progress;
  }
  std::optional<std::string> result_note_;
  std::optional<std::string> system_path_;
  std::optional<protocol::DryActivation> dry_activation_;
  std::optional<std::int64_t> freed_bytes_;
  std::optional<protocol::FlakeUpdate> update_;
  std::optional<std::string> lock_written_;
  std::optional<protocol::JobFailure> declared_failure_;   // from the job runner
  std::vector<std::string> nix_errors_;                    // error: messages, in order
  std::optional<std::string> error_location_;              // file:line:column of the first one
  std::vector<std::string> failed_units_;                  // from switch-to-configuration's output
  std::map<std::uint64_t, BuildActivity> running_builds_;  // by activity id
  std::map<std::string, BuildActivity> finished_builds_;   // by derivation path, bounded
  std::deque<std::string> finished_order_;
  std::map<std::uint64_t, int> activity_types_;
  std::deque<std::string> tail_;  // last visible lines of the whole job
};

// "/nix/store/abc...-hello-2.12.1.drv" -> "hello-2.12.1"
std::string derivation_display_name(std::string_view store_path);

}  // namespace nixtray::agent
