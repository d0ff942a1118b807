// Job history in the state directory: one job.json per job (written atomically), a persistent id
// counter, and log rotation by a size budget. A damaged record is moved aside with a warning;
// it never stops the agent and never takes the other records with it.
#pragma once

#include "jobs/job_files.hpp"
#include "nixtray/protocol/jobs.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nixtray::agent {

struct JobRecord {
  protocol::Job job;
  bool cancel_requested = false;
};
void to_json(protocol::json& j, const JobRecord& record);
void from_json(const protocol::json& j, JobRecord& record);

// The number of a job id ("12" -> 12), which orders jobs by age; nullopt for what is no job id.
std::optional<std::int64_t> job_number(const std::string& id);

class JobRecordStore {
 public:
  explicit JobRecordStore(std::filesystem::path state_dir);

  // Every readable record, oldest first.
  std::vector<JobRecord> load_all();
  // A new id, never reused (also across restarts). Throws std::runtime_error when the counter
  // cannot be written (e.g. the disk is full), before anything was started.
  std::string allocate_id();
  // Throws std::runtime_error naming the file and the reason.
  void save(const JobRecord& record);
  [[nodiscard]] JobFiles files(const std::string& id) const { return job_files(state_dir_, id); }

  // Deletes the oldest jobs' logs until all logs fit in `budget` bytes; never those in `keep`.
  // Returns the ids whose logs were removed.
  std::vector<std::string> prune_logs(std::int64_t budget, const std::set<std::string>& keep);

 private:
  std::filesystem::path state_dir_;
  std::filesystem::path jobs_dir_;
  std::int64_t next_id_ = 1;
};

}  // namespace nixtray::agent
