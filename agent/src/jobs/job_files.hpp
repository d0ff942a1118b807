// Where a job lives in the state directory, and what the agent hands to the job runner.
//   <state>/jobs/<id>/spec.json   what to run (written by the agent before the unit starts)
//   <state>/jobs/<id>/job.json    the job record (the protocol's Job, kept across restarts)
//   <state>/jobs/<id>/log         everything the job printed (systemd appends to it)
//   <state>/jobs/<id>/pid         the runner's pid (so a restarted agent can watch it again)
//   <state>/jobs/<id>/exit-code   written by the runner when it ends
//   <state>/jobs/<id>/exit-code.reserved   room for it, taken when the runner starts (job_exit_code.hpp)
//   <state>/jobs/<id>/activation-gate      who passed the point of no return first (activation_gate.hpp)
//   <state>/jobs/<id>/work/       the runner's working directory (nixos-rebuild leaves ./result,
//                                 removed when the job ends: build_result_roots.hpp)
//   <state>/jobs/<id>/flake.lock.before, flake.lock.after   an update's locks (flake_update_step.hpp)
#pragma once

#include "nixtray/protocol/jobs.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

struct JobFiles {
  std::filesystem::path dir;

  [[nodiscard]] std::filesystem::path spec() const { return dir / "spec.json"; }
  [[nodiscard]] std::filesystem::path record() const { return dir / "job.json"; }
  [[nodiscard]] std::filesystem::path log() const { return dir / "log"; }
  [[nodiscard]] std::filesystem::path pid() const { return dir / "pid"; }
  [[nodiscard]] std::filesystem::path exit_code() const { return dir / "exit-code"; }
  [[nodiscard]] std::filesystem::path exit_code_reserve() const { return dir / "exit-code.reserved"; }
  [[nodiscard]] std::filesystem::path work() const { return dir / "work"; }
  [[nodiscard]] std::filesystem::path activation_gate() const { return dir / "activation-gate"; }
  [[nodiscard]] std::filesystem::path lock_before() const { return dir / "flake.lock.before"; }
  [[nodiscard]] std::filesystem::path lock_after() const { return dir / "flake.lock.after"; }
};

// A switch or boot of an update's result: that update's locks, and the configuration's flake.lock
// that the updated one replaces once the system is registered.
struct LockReplacement {
  std::filesystem::path before;  // what the update started from (absent: there was no lock)
  std::filesystem::path after;   // the updated lock
  std::filesystem::path target;  // the configuration's flake.lock
};
void to_json(protocol::json& j, const LockReplacement& r);
void from_json(const protocol::json& j, LockReplacement& r);

inline JobFiles job_files(const std::filesystem::path& state_dir, const std::string& id) {
  return JobFiles{state_dir / "jobs" / id};
}

// Everything the runner needs, resolved by the agent (the runner decides nothing on its own).
struct JobSpec {
  std::string id;
  protocol::JobStartParams args;
  std::filesystem::path profile;  // the system profile link: <profile-dir>/system
  std::string rebuild_command;
  std::optional<std::string> flake;                 // rebuild: the client's or the configured one
  std::optional<int> rollback_target;               // rollback: the generation to point the profile at
  std::vector<int> protected_generations;           // gc: never delete these
  std::int64_t created = 0;                         // unix seconds (gc: older_than_days is counted from here)
  std::optional<LockReplacement> lock_replacement;  // a switch or boot of an update's result
};
void to_json(protocol::json& j, const JobSpec& spec);
void from_json(const protocol::json& j, JobSpec& spec);

// The unit name of a job: nixtray-job-<id>.service.
std::string job_unit_name(const std::string& id);

}  // namespace nixtray::agent
