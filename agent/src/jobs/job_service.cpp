// JobService, the history: loading it, resuming a job that outlived the agent, writing records
// (again later when the disk refuses), the roots of finished jobs. Starting and cancelling a job is
// job_control.cpp, following the running one running_job.cpp, the read methods job_queries.cpp.
#include "jobs/job_service.hpp"

#include "jobs/running_job.hpp"
#include "nix/nix_store_location.hpp"
#include "state/profile_scan.hpp"
#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <algorithm>

namespace nixtray::agent {

namespace asio = net::asio;
namespace fs = std::filesystem;
using protocol::ErrorCode;
using protocol::RpcException;

namespace {

constexpr auto save_retry_interval = std::chrono::seconds(2);  // cheap: a failed write of a few KiB

std::int64_t number_of(const std::string& id) { return job_number(id).value_or(0); }

}  // namespace

JobService::JobService(asio::io_context& io, const AgentConfig& config, GenerationStore& generations, Publisher publish,
                       Listened listened)
    : io_(io),
      config_(config),
      generations_(generations),
      publish_(std::move(publish)),
      listened_(std::move(listened)),
      store_(config.state_dir),
      roots_(NixStoreLocation::from_environment().state_dir),
      finished_logs_(io.get_executor()),
      save_retry_(io) {
  std::error_code ec;
  self_executable_ = fs::read_symlink("/proc/self/exe", ec).string();
}

JobService::~JobService() = default;

JobRecord& JobService::record_of(const std::string& id) {
  const auto it = records_.find(id);
  if (it == records_.end()) throw RpcException(ErrorCode::not_found, "there is no job " + id);
  return it->second;
}

const JobRecord& JobService::record_of(const std::string& id) const {
  const auto it = records_.find(id);
  if (it == records_.end()) throw RpcException(ErrorCode::not_found, "there is no job " + id);
  return it->second;
}

void JobService::save(const JobRecord& record) {
  const auto& id = record.job.id;
  try {
    store_.save(record);
    if (unsaved_.erase(id) > 0) log_info("job " + id + " recorded after all");
  } catch (const std::exception& e) {
    // Kept in memory, served from there, and written again later; the agent goes on. Said once
    // per record, not at every retry.
    if (unsaved_.insert(id).second) {
      log_warning("cannot record job " + id + " (will try again every " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(save_retry_interval).count()) +
                  " s): " + e.what());
    }
    retry_saves_later();
  }
}

void JobService::retry_saves_later() {
  if (save_retry_pending_) return;
  save_retry_pending_ = true;
  save_retry_.expires_after(save_retry_interval);
  save_retry_.async_wait([this](const net::error_code& ec) {
    if (ec) return;  // cancelled: the service is going away
    save_retry_pending_ = false;
    const auto pending = unsaved_;  // save() changes the set
    for (const auto& id : pending) save(record_of(id));
  });
}

std::vector<const JobRecord*> JobService::records_by_age() const {
  std::vector<const JobRecord*> ordered;
  for (const auto& [id, record] : records_) ordered.push_back(&record);
  std::sort(ordered.begin(), ordered.end(),
            [](const JobRecord* a, const JobRecord* b) { return number_of(a->job.id) < number_of(b->job.id); });
  return ordered;
}

void JobService::start() {
  for (auto& record : store_.load_all()) {
    records_[record.job.id] = std::move(record);
  }
  // Newest first: at most one job can still be running; older "running" records were cut short.
  std::vector<std::string> unfinished;
  for (const auto& [id, record] : records_) {
    if (record.job.state == protocol::JobState::running) unfinished.push_back(id);
  }
  std::sort(unfinished.begin(), unfinished.end(),
            [](const auto& a, const auto& b) { return number_of(a) > number_of(b); });
  for (const auto& id : unfinished) {
    auto& record = record_of(id);
    const auto files = store_.files(id);
    bool unit_known = false;
    try {
      unit_known = launcher_.exists(record.job.unit);
    } catch (const std::exception&) {
      // systemd unreachable: rely on the runner's files alone.
    }
    const bool can_follow =
        !running_ && (running_runner_pid(files) || unit_known || read_small_file(files.exit_code(), 64).has_value());
    if (can_follow) {
      log_info("following job " + id + " again after a restart");
      follow(id);
      continue;
    }
    JobLog log(files.log());
    JobLogAnalyzer analyzer;
    log.read_appended([&](std::string_view raw) { return analyzer.feed(raw); }, 0);
    finalize(record, std::nullopt, analyzer, log.line_count());
    log_warning("job " + id + " was interrupted: its unit is gone and it recorded no result");
  }
  tidy_roots();
}

void JobService::tidy_roots() {
  const protocol::Job* newest_build = nullptr;
  const auto ordered = records_by_age();
  std::set<fs::path> generations;
  for (const auto& link : scan_profile(config_.profile_dir).links) generations.insert(link.target);
  for (const auto* record : ordered) {
    if (built_a_system(record->job)) newest_build = &record->job;
  }
  const bool keep_newest = newest_build && !generations.contains(*newest_build->result_path);
  for (const auto& [id, path] : roots_.all()) {
    if (!keep_newest || id != newest_build->id || path != fs::path(*newest_build->result_path)) roots_.release(id);
  }
  if (keep_newest && !roots_.held(newest_build->id)) {
    // Kept until now by ./result (an older agent): carried over before ./result goes.
    std::error_code ec;
    const auto kept = fs::canonical(store_.files(newest_build->id).work() / "result", ec);
    if (!ec && kept == fs::path(*newest_build->result_path)) {
      try {
        roots_.keep(newest_build->id, kept);
      } catch (const std::exception& e) {
        log_warning(e.what());
      }
    }
  }
  std::vector<JobFiles> finished;
  for (const auto* record : ordered) {
    if (protocol::is_finished(record->job.state)) finished.push_back(store_.files(record->job.id));
  }
  roots_.release_work_roots(finished);
}
}  // namespace nixtray::agent
