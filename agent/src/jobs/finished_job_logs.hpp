// The logs of finished jobs, for jobs.log and for a client that subscribes to a finished job's
// log topic. A log is numbered once (a sparse index of line offsets, a few KiB even for a
// million lines) and then served in slices; numbering a log that is not indexed yet (after a
// restart, or one that fell out of the cache) is done in steps of index_step_bytes, each a
// separate turn of the event loop, so a client asking for the end of a huge log never holds up
// the others. A few indexed logs are kept, the most recently used.
#pragma once

#include "jobs/job_log.hpp"
#include "nixtray/net/asio.hpp"

#include <filesystem>
#include <list>
#include <memory>
#include <string>
#include <utility>

namespace nixtray::agent {

class FinishedJobLogs {
 public:
  explicit FinishedJobLogs(net::asio::any_io_executor executor) : executor_(std::move(executor)) {}

  // Keeps a log that was read to its end already (the tracker's, when its job finishes).
  void adopt(const std::string& id, JobLog log);
  // Drops a log whose file is gone (pruned by the log budget).
  void forget(const std::string& id);

  // Lines [from, from+limit) of job `id`'s finished log at `file` (bounded as JobLog::read is),
  // with `complete` set when `next` is the end of the log.
  net::asio::awaitable<protocol::LogChunk> read(std::string id, std::filesystem::path file, std::int64_t from,
                                                int limit);
  // The last `limit` lines, as read() gives them.
  net::asio::awaitable<protocol::LogChunk> tail(std::string id, std::filesystem::path file, int limit);

 private:
  std::shared_ptr<JobLog> log_of(const std::string& id, const std::filesystem::path& file);
  // Numbers lines until `wanted` lines are known or the log is read to its end, step by step.
  net::asio::awaitable<void> index(std::shared_ptr<JobLog> log, std::int64_t wanted);

  net::asio::any_io_executor executor_;
  std::list<std::pair<std::string, std::shared_ptr<JobLog>>> logs_;  // most recently used first
};

}  // namespace nixtray::agent
