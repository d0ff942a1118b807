// JobService: the read methods (jobs.list, jobs.get, jobs.log and a log's tail).
#include "jobs/job_service.hpp"

#include "jobs/job_log.hpp"
#include "jobs/raw_log_slice.hpp"
#include "jobs/running_job.hpp"

#include <algorithm>

namespace nixtray::agent {

namespace asio = net::asio;

protocol::JobsList JobService::list(int limit) const {
  const auto ordered = records_by_age();
  protocol::JobsList result;
  for (auto it = ordered.rbegin(); it != ordered.rend() && static_cast<int>(result.jobs.size()) < limit; ++it) {
    result.jobs.push_back((*it)->job);  // newest first
  }
  return result;
}

protocol::Job JobService::get(const std::string& id) const { return record_of(id).job; }

asio::awaitable<protocol::LogChunk> JobService::log(std::string id, std::int64_t from, int limit) {
  const auto& record = record_of(id);
  if (running_ && running_->id == id) {
    co_return running_->tracker->log().read(from, limit);  // numbered as the tracker reads it
  }
  const bool finished = protocol::is_finished(record.job.state);
  auto reading = finished_logs_.read(id, store_.files(id).log(), from, limit);
  auto chunk = co_await std::move(reading);
  chunk.complete = chunk.complete && finished;
  co_return chunk;
}

protocol::LogChunk JobService::raw_log(const std::string& id, std::int64_t from, std::size_t max_bytes) const {
  const auto& record = record_of(id);
  const bool finished = protocol::is_finished(record.job.state);
  auto slice = read_raw_log_slice(store_.files(id).log(), static_cast<std::uint64_t>(from), max_bytes, finished);
  if (!slice) {
    throw protocol::RpcException(protocol::ErrorCode::not_found, "the log of job " + id + " has been removed");
  }
  protocol::LogChunk chunk;
  chunk.from = from;
  chunk.next = static_cast<std::int64_t>(slice->next);
  chunk.complete = finished && slice->at_end;
  chunk.text = std::move(slice->text);
  return chunk;
}

std::optional<protocol::LogChunk> JobService::running_log_tail(const std::string& id, int limit) const {
  if (!running_ || running_->id != id) return std::nullopt;
  const auto& log = running_->tracker->log();
  return log.read(std::max<std::int64_t>(0, log.line_count() - limit), limit);
}

asio::awaitable<protocol::LogChunk> JobService::log_tail(std::string id, int limit) {
  if (auto running = running_log_tail(id, limit)) co_return *running;
  (void)record_of(id);  // not_found for an unknown job
  auto reading = finished_logs_.tail(id, store_.files(id).log(), limit);
  co_return co_await std::move(reading);
}

std::optional<std::string> JobService::running_job() const {
  return running_ ? std::optional<std::string>(running_->id) : std::nullopt;
}
}  // namespace nixtray::agent
