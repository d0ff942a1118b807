// The jobs engine: starts rebuild / rollback / gc jobs in transient units (one at a time),
// follows the running one, keeps the history, and answers the jobs.* methods. One file each:
// job_service.cpp (the history), job_control.cpp (start, cancel), running_job.cpp (following and
// finishing the running job), job_queries.cpp (the read methods).
#pragma once

#include "config/agent_config.hpp"
#include "jobs/activatable_system.hpp"
#include "jobs/build_result_roots.hpp"
#include "jobs/finished_job_logs.hpp"
#include "jobs/job_record_store.hpp"
#include "jobs/job_tracker.hpp"
#include "jobs/transient_unit_launcher.hpp"
#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/jobs.hpp"
#include "server/peer.hpp"
#include "state/generation_store.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nixtray::agent {

class JobService {
 public:
  using Publisher = std::function<void(std::string_view topic, const protocol::json& data)>;
  // Whether any client is subscribed to a topic now (a log topic's lines are gathered only then).
  using Listened = std::function<bool(std::string_view topic)>;

  JobService(net::asio::io_context& io, const AgentConfig& config, GenerationStore& generations, Publisher publish,
             Listened listened);
  ~JobService();
  JobService(const JobService&) = delete;
  JobService& operator=(const JobService&) = delete;

  // Loads the history and resumes following a job that runs or ended while the agent was away.
  void start();

  // The jobs.* methods. Errors are RpcExceptions with the protocol's codes.
  protocol::JobStartResult start_job(const protocol::JobStartParams& params, const PeerIdentity& peer);
  protocol::Job cancel(const std::string& id);
  [[nodiscard]] protocol::JobsList list(int limit) const;
  [[nodiscard]] protocol::Job get(const std::string& id) const;
  // A slice of a job's log; a finished log not numbered yet is numbered in steps (finished_job_logs.hpp).
  net::asio::awaitable<protocol::LogChunk> log(std::string id, std::int64_t from, int limit);
  // A slice of a job's log file as it is (jobs.log's "format": "raw"): from, next are byte offsets.
  // At most max_bytes (the bytes form takes smaller slices: see job_methods.cpp).
  [[nodiscard]] protocol::LogChunk raw_log(const std::string& id, std::int64_t from,
                                           std::size_t max_bytes = max_slice_bytes) const;
  // The latest lines of a job, for a client that just subscribed to its log topic: at once for a
  // running job (so that they come before its next lines), through log_tail() for a finished one.
  [[nodiscard]] std::optional<protocol::LogChunk> running_log_tail(const std::string& id, int limit) const;
  net::asio::awaitable<protocol::LogChunk> log_tail(std::string id, int limit);

  [[nodiscard]] std::optional<std::string> running_job() const;
  // Called when a job starts or ends (the status changes: running_job).
  void on_running_changed(std::function<void()> callback) { on_running_changed_ = std::move(callback); }

 private:
  struct RunningJob;

  // The systems a rebuild job may activate: held build results and the profile's generations.
  [[nodiscard]] ActivatableSystems activatable_systems() const;
  [[nodiscard]] std::optional<LockReplacement> lock_replacement_for(const std::string& system,
                                                                    const protocol::JobStartParams& params) const;
  void check_can_start(const protocol::JobStartParams& params) const;
  void follow(const std::string& id);
  void publish_progress(bool force);
  void finish_running();
  void finalize(JobRecord& record, std::optional<int> exit_code, const JobLogAnalyzer& analyzer,
                std::int64_t log_lines);
  // At start: no finished job keeps a root in the state directory (older agents left ./result),
  // and only the newest build job's result keeps its own root, while it is no generation.
  void tidy_roots();
  // Writes the record; when that fails it stays in memory and is written again later, until it
  // works (a full disk may be freed at any time), so a job's outcome reaches the disk after all.
  void save(const JobRecord& record);
  void retry_saves_later();
  JobRecord& record_of(const std::string& id);
  const JobRecord& record_of(const std::string& id) const;
  // Oldest first, by job number.
  [[nodiscard]] std::vector<const JobRecord*> records_by_age() const;

  net::asio::io_context& io_;
  const AgentConfig& config_;
  GenerationStore& generations_;
  Publisher publish_;
  Listened listened_;
  JobRecordStore store_;
  BuildResultRoots roots_;
  TransientUnitLauncher launcher_;
  std::string self_executable_;
  std::map<std::string, JobRecord> records_;
  std::unique_ptr<RunningJob> running_;
  FinishedJobLogs finished_logs_;
  std::function<void()> on_running_changed_;
  std::set<std::string> unsaved_;  // records newer in memory than on disk
  net::asio::steady_timer save_retry_;
  bool save_retry_pending_ = false;
};

}  // namespace nixtray::agent
