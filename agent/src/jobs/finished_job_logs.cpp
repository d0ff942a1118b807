#include "jobs/finished_job_logs.hpp"

#include "jobs/job_log_line.hpp"

#include <algorithm>
#include <limits>

namespace nixtray::agent {

namespace asio = net::asio;

namespace {

constexpr std::size_t cached_logs = 4;
// Numbering without analysis: a few milliseconds per step in a release build.
constexpr std::uint64_t index_step_bytes = 256 * 1024;

}  // namespace

void FinishedJobLogs::adopt(const std::string& id, JobLog log) {
  forget(id);
  logs_.emplace_front(id, std::make_shared<JobLog>(std::move(log)));
  if (logs_.size() > cached_logs) logs_.pop_back();
}

void FinishedJobLogs::forget(const std::string& id) {
  logs_.remove_if([&](const auto& entry) { return entry.first == id; });
}

std::shared_ptr<JobLog> FinishedJobLogs::log_of(const std::string& id, const std::filesystem::path& file) {
  const auto found = std::find_if(logs_.begin(), logs_.end(), [&](const auto& entry) { return entry.first == id; });
  if (found != logs_.end()) {
    logs_.splice(logs_.begin(), logs_, found);
  } else {
    logs_.emplace_front(id, std::make_shared<JobLog>(file));
    if (logs_.size() > cached_logs) logs_.pop_back();
  }
  return logs_.front().second;
}

asio::awaitable<void> FinishedJobLogs::index(std::shared_ptr<JobLog> log, std::int64_t wanted) {
  while (!log->caught_up() && log->line_count() < wanted) {
    log->read_appended(visible_lines, 0, index_step_bytes);
    if (!log->caught_up()) {
      // Others are served before the next step. (Several readers of one log may take turns at
      // numbering it: each step is whole, and the log is kept alive by this frame.)
      co_await asio::post(executor_, asio::use_awaitable);
    }
  }
}

asio::awaitable<protocol::LogChunk> FinishedJobLogs::read(std::string id, std::filesystem::path file, std::int64_t from,
                                                          int limit) {
  auto log = log_of(id, file);
  const auto end =
      from > std::numeric_limits<std::int64_t>::max() - limit ? std::numeric_limits<std::int64_t>::max() : from + limit;
  auto indexing = index(log, end);
  co_await std::move(indexing);
  auto chunk = log->read(from, limit);
  chunk.complete = log->caught_up() && chunk.next >= log->line_count();
  co_return chunk;
}

asio::awaitable<protocol::LogChunk> FinishedJobLogs::tail(std::string id, std::filesystem::path file, int limit) {
  auto log = log_of(id, file);
  auto indexing = index(log, std::numeric_limits<std::int64_t>::max());
  co_await std::move(indexing);
  auto chunk = log->read(std::max<std::int64_t>(0, log->line_count() - limit), limit);
  chunk.complete = chunk.next >= log->line_count();
  co_return chunk;
}

}  // namespace nixtray::agent
