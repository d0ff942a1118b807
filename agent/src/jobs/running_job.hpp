// What the jobs engine keeps about the one job that runs (JobService's, shared by its files).
#pragma once

#include "jobs/job_service.hpp"
#include "jobs/job_tracker.hpp"
#include "nixtray/net/asio.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace nixtray::agent {

struct JobService::RunningJob {
  RunningJob(net::asio::io_context& io, std::string job_id) : id(std::move(job_id)), throttle(io) {}
  std::string id;
  std::unique_ptr<JobTracker> tracker;
  net::asio::steady_timer throttle;  // progress events at most every progress_interval
  std::chrono::steady_clock::time_point last_publish{};
  std::optional<protocol::JobProgress> last_sent;
  bool throttle_pending = false;
};

}  // namespace nixtray::agent
