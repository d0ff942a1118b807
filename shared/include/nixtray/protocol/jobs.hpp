// Jobs: rebuild, rollback and garbage collection run by the agent in transient systemd units.
// jobs.start/list/get/log/cancel, and the data of the `jobs` and `log:<id>` topics.
#pragma once

#include "nixtray/protocol/dry_activation.hpp"
#include "nixtray/protocol/flake_update.hpp"
#include "nixtray/protocol/method.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::protocol {

enum class JobKind { unknown, rebuild, rollback, gc };
NLOHMANN_JSON_SERIALIZE_ENUM(JobKind, {
                                          {JobKind::unknown, "unknown"},
                                          {JobKind::rebuild, "rebuild"},
                                          {JobKind::rollback, "rollback"},
                                          {JobKind::gc, "gc"},
                                      })

// nixos-rebuild's modes. Rollback accepts switch and boot only; dry-activate needs a built `system`.
enum class RebuildMode { unknown, switch_, boot, test, build, dry_build, dry_activate };
NLOHMANN_JSON_SERIALIZE_ENUM(RebuildMode, {
                                              {RebuildMode::unknown, "unknown"},
                                              {RebuildMode::switch_, "switch"},
                                              {RebuildMode::boot, "boot"},
                                              {RebuildMode::test, "test"},
                                              {RebuildMode::build, "build"},
                                              {RebuildMode::dry_build, "dry-build"},
                                              {RebuildMode::dry_activate, "dry-activate"},
                                          })

// interrupted: the job's unit vanished without a recorded result (e.g. the distro stopped).
enum class JobState { unknown, running, succeeded, failed, cancelled, interrupted };
NLOHMANN_JSON_SERIALIZE_ENUM(JobState, {
                                           {JobState::unknown, "unknown"},
                                           {JobState::running, "running"},
                                           {JobState::succeeded, "succeeded"},
                                           {JobState::failed, "failed"},
                                           {JobState::cancelled, "cancelled"},
                                           {JobState::interrupted, "interrupted"},
                                       })

[[nodiscard]] inline bool is_finished(JobState s) { return s != JobState::running && s != JobState::unknown; }

// One struct for every kind; which fields apply depends on `kind` (validated by validate()).
struct JobStartParams {
  JobKind kind = JobKind::unknown;
  std::optional<RebuildMode> mode;     // rebuild (default switch), rollback (default switch)
  std::optional<std::string> flake;    // rebuild: flake reference
  std::optional<bool> upgrade;         // rebuild: --upgrade
  std::optional<bool> update;          // rebuild (mode build): update the flake's inputs in a copy first
  std::optional<std::string> system;   // rebuild: activate this already built system (no build step)
  std::optional<int> to;               // rollback: target generation (default: the previous one)
  std::optional<int> keep;             // gc: keep the newest K generations
  std::optional<int> older_than_days;  // gc: delete generations older than D days (with keep: and not newest K)
};
void to_json(json& j, const JobStartParams& p);
void from_json(const json& j, JobStartParams& p);              // also validates; throws RpcException(invalid_params)
void read_job_start_fields(const json& j, JobStartParams& p);  // no validation (recorded jobs)

struct JobStartResult {
  std::string id;
};
void to_json(json& j, const JobStartResult& r);
void from_json(const json& j, JobStartResult& r);

enum class JobPhase {
  unknown,
  preparing,
  updating,
  building,
  checking,
  registering,
  activating,
  restoring,
  deleting,
  collecting,
  previewing,
  done
};
NLOHMANN_JSON_SERIALIZE_ENUM(JobPhase, {
                                           {JobPhase::unknown, "unknown"},
                                           {JobPhase::preparing, "preparing"},
                                           {JobPhase::updating, "updating"},
                                           {JobPhase::building, "building"},
                                           {JobPhase::checking, "checking"},
                                           {JobPhase::registering, "registering"},
                                           {JobPhase::activating, "activating"},
                                           {JobPhase::restoring, "restoring"},
                                           {JobPhase::deleting, "deleting"},
                                           {JobPhase::collecting, "collecting"},
                                           {JobPhase::previewing, "previewing"},
                                           {JobPhase::done, "done"},
                                       })

struct JobProgress {
  JobPhase phase = JobPhase::unknown;
  int builds_done = 0;
  int builds_expected = 0;
  int builds_running = 0;
  int builds_failed = 0;
  int downloads_done = 0;  // substituted or copied store paths
  int downloads_expected = 0;
  std::optional<std::string> current;  // what is happening now, e.g. the derivation being built
};
void to_json(json& j, const JobProgress& p);
void from_json(const json& j, JobProgress& p);
bool operator==(const JobProgress& a, const JobProgress& b);

enum class FailureKind { unknown, evaluation, build, check, activation, disk_space, cancelled, internal };
NLOHMANN_JSON_SERIALIZE_ENUM(FailureKind, {
                                              {FailureKind::unknown, "unknown"},
                                              {FailureKind::evaluation, "evaluation"},
                                              {FailureKind::build, "build"},
                                              {FailureKind::check, "check"},
                                              {FailureKind::activation, "activation"},
                                              {FailureKind::disk_space, "disk-space"},
                                              {FailureKind::cancelled, "cancelled"},
                                              {FailureKind::internal, "internal"},
                                          })

// Why a job failed, in parts a user interface can show.
struct JobFailure {
  FailureKind kind = FailureKind::unknown;
  std::string message;                    // the nix error: message, or what failed
  std::optional<std::string> location;    // file:line:column of an evaluation error
  std::optional<std::string> derivation;  // the derivation whose build failed
  std::optional<std::string> phase;       // its build phase (buildPhase, ...)
  std::vector<std::string> units;         // units that failed to start during activation
  std::vector<std::string> log_tail;      // the last relevant log lines
};
void to_json(json& j, const JobFailure& f);
void from_json(const json& j, JobFailure& f);

struct JobStarter {
  std::optional<int> uid;  // null on TCP (authenticated by token)
  std::optional<std::string> name;
};
void to_json(json& j, const JobStarter& s);
void from_json(const json& j, JobStarter& s);

struct Job {
  std::string id;
  JobKind kind = JobKind::unknown;
  JobState state = JobState::unknown;
  JobStartParams args;
  std::string unit;  // "nixtray-job-<id>.service"
  std::int64_t started = 0;
  std::optional<std::int64_t> finished;
  std::optional<int> exit_code;
  std::optional<std::string> summary;  // one line a person can act on; null unless failed
  std::optional<JobFailure> failure;   // the same, in parts
  JobProgress progress;
  JobStarter started_by;
  std::optional<int> generation_before;    // default generation when the job started
  std::optional<int> generation_after;     // ... and when it finished
  std::optional<std::string> result_path;  // rebuild: the system store path it built (once known)
  std::int64_t log_lines = 0;
  std::optional<DryActivation> dry_activation;  // a finished dry-activate: what activating would do
  // gc, once succeeded: the disk usage of what the collection deleted. Omitted when absent.
  std::optional<std::int64_t> freed_bytes;
  // a rebuild with `update`, once built: the inputs that moved. Omitted when absent.
  std::optional<FlakeUpdate> update;
  // a switch or boot of an update's result: the flake.lock it replaced. Omitted when absent.
  std::optional<std::string> lock_written;
};
void to_json(json& j, const Job& job);
void from_json(const json& j, Job& job);

struct JobsStartMethod {
  static constexpr std::string_view name = "jobs.start";
  static constexpr bool mutating = true;
  using Params = JobStartParams;
  using Result = JobStartResult;
};

struct JobsListParams {
  int limit = 50;
};
void to_json(json& j, const JobsListParams& p);
void from_json(const json& j, JobsListParams& p);

struct JobsList {
  std::vector<Job> jobs;  // newest first
};
void to_json(json& j, const JobsList& r);
void from_json(const json& j, JobsList& r);

struct JobsListMethod {
  static constexpr std::string_view name = "jobs.list";
  static constexpr bool mutating = false;
  using Params = JobsListParams;
  using Result = JobsList;
};

struct JobIdParams {
  std::string id;
};
void to_json(json& j, const JobIdParams& p);
void from_json(const json& j, JobIdParams& p);

struct JobsGetMethod {
  static constexpr std::string_view name = "jobs.get";
  static constexpr bool mutating = false;
  using Params = JobIdParams;
  using Result = Job;
};

// jobs.log's forms (§6.12): numbered lines; the file's bytes as JSON text; the file's bytes as
// they are, after the response line (for reading a long log at the cost of copying it).
enum class LogFormat { lines, raw, bytes };

struct JobsLogParams {
  std::string id;
  std::int64_t from = 0;  // index of the first line wanted; in the raw and bytes forms, a byte offset
  int limit = 1000;       // at most this many lines (1..10000); lines form only
  LogFormat format = LogFormat::lines;
};
void to_json(json& j, const JobsLogParams& p);
void from_json(const json& j, JobsLogParams& p);

// Result of jobs.log and data of the `log:<id>` topic.
struct LogChunk {
  std::int64_t from = 0;  // index of lines[0]
  std::vector<std::string> lines;
  std::int64_t next = 0;            // index after the last line: the `from` of the next request
  bool complete = false;            // the job finished and every line has been delivered
  std::optional<std::string> text;  // "format": "raw" only: the bytes from..next of the log file
  // "format": "bytes" only: how many bytes follow the response's line on the wire (next - from).
  // A client that reads them puts them into `text`.
  std::optional<std::int64_t> bytes;
};
void to_json(json& j, const LogChunk& c);
void from_json(const json& j, LogChunk& c);

struct JobsLogMethod {
  static constexpr std::string_view name = "jobs.log";
  static constexpr bool mutating = false;
  static constexpr bool confidential = true;  // a build log may hold secrets
  using Params = JobsLogParams;
  using Result = LogChunk;
};

struct JobsCancelMethod {
  static constexpr std::string_view name = "jobs.cancel";
  static constexpr bool mutating = true;
  using Params = JobIdParams;
  using Result = Job;
};

}  // namespace nixtray::protocol
