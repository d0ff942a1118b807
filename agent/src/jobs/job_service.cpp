#include "jobs/job_service.hpp"

#include "jobs/activation_gate.hpp"
#include "jobs/external_rebuild_detector.hpp"
#include "jobs/job_admission.hpp"
#include "jobs/job_log_line.hpp"
#include "jobs/job_runner.hpp"
#include "nix/nix_store_location.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "state/profile_scan.hpp"
#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace nixtray::agent {

namespace asio = net::asio;
namespace fs = std::filesystem;
using protocol::ErrorCode;
using protocol::RpcException;

namespace {

constexpr auto progress_interval = std::chrono::milliseconds(100);  // at most ~10 jobs events a second
constexpr auto save_retry_interval = std::chrono::seconds(2);       // cheap: a failed write of a few KiB

std::int64_t now() { return std::time(nullptr); }

std::int64_t numeric(const std::string& id) {
  std::int64_t value = 0;
  std::from_chars(id.data(), id.data() + id.size(), value);
  return value;
}

std::string kind_name(protocol::JobKind kind) { return protocol::json(kind).get<std::string>(); }

// A build job that left a system to activate later.
bool built_a_system(const protocol::Job& job) {
  return job.kind == protocol::JobKind::rebuild && job.state == protocol::JobState::succeeded &&
         job.args.mode == protocol::RebuildMode::build && job.result_path;
}

}  // namespace

struct JobService::RunningJob {
  RunningJob(asio::io_context& io, std::string job_id) : id(std::move(job_id)), throttle(io) {}
  std::string id;
  std::unique_ptr<JobTracker> tracker;
  asio::steady_timer throttle;
  std::chrono::steady_clock::time_point last_publish{};
  std::optional<protocol::JobProgress> last_sent;
  bool throttle_pending = false;
};

JobService::JobService(asio::io_context& io, const AgentConfig& config, GenerationStore& generations, Publisher publish)
    : io_(io),
      config_(config),
      generations_(generations),
      publish_(std::move(publish)),
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

void JobService::start() {
  for (auto& record : store_.load_all()) {
    records_[record.job.id] = std::move(record);
  }
  // Newest first: at most one job can still be running; older "running" records were cut short.
  std::vector<std::string> unfinished;
  for (const auto& [id, record] : records_) {
    if (record.job.state == protocol::JobState::running) unfinished.push_back(id);
  }
  std::sort(unfinished.begin(), unfinished.end(), [](const auto& a, const auto& b) { return numeric(a) > numeric(b); });
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
  std::vector<const JobRecord*> ordered;
  for (const auto& [id, record] : records_) ordered.push_back(&record);
  std::sort(ordered.begin(), ordered.end(),
            [](const JobRecord* a, const JobRecord* b) { return numeric(a->job.id) < numeric(b->job.id); });
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

void JobService::check_can_start(const protocol::JobStartParams& params) const {
  if (running_) {
    throw RpcException(ErrorCode::busy, "job " + running_->id + " is still running", {{"job", running_->id}});
  }
  if (const auto external = find_external_rebuild()) {
    throw RpcException(ErrorCode::busy, "a rebuild started outside nixtray is running: " + *external,
                       {{"job", nullptr}, {"external", *external}});
  }
  if (params.kind == protocol::JobKind::rebuild) {
    check_store_space(config_);
  }
  if (params.kind == protocol::JobKind::rollback) {
    (void)make_job_spec("", params, config_, generations_.triple());  // resolves the target; throws
  }
}

ActivatableSystems JobService::activatable_systems() const {
  ActivatableSystems allowed;
  for (const auto& [id, record] : records_) {
    if (built_a_system(record.job) && roots_.held(id) == fs::path(*record.job.result_path)) {
      allowed.build_results.insert(*record.job.result_path);
    }
  }
  for (const auto& link : scan_profile(config_.profile_dir).links) {
    if (!link.problem) allowed.generations.insert(link.target);
  }
  return allowed;
}

protocol::JobStartResult JobService::start_job(const protocol::JobStartParams& requested, const PeerIdentity& peer) {
  check_param_sizes(requested);
  auto params = requested;
  check_can_start(params);
  if (params.system) {
    // What gets activated and recorded is the canonical path that was checked.
    params.system = activatable_system(*params.system, NixStoreLocation::from_environment(), activatable_systems());
  }
  std::string id;
  try {
    id = store_.allocate_id();
  } catch (const std::exception& e) {
    throw RpcException(ErrorCode::internal_error, std::string("cannot record a new job: ") + e.what());
  }
  const auto files = store_.files(id);
  const auto spec = make_job_spec(id, params, config_, generations_.triple());
  JobRecord record;
  record.job.id = id;
  record.job.kind = params.kind;
  record.job.state = protocol::JobState::running;
  record.job.args = params;
  record.job.unit = job_unit_name(id);
  record.job.started = now();
  record.job.progress.phase = protocol::JobPhase::preparing;
  record.job.started_by.uid = peer.uid ? std::optional<int>(static_cast<int>(*peer.uid)) : std::nullopt;
  record.job.started_by.name =
      peer.transport == Transport::tcp ? std::optional<std::string>("tcp token holder") : peer.user_name;
  record.job.generation_before = scan_profile(config_.profile_dir).default_number;
  try {
    fs::create_directories(files.work());
    write_file_atomically(files.spec(), protocol::json(spec).dump() + "\n");
    store_.save(record);
  } catch (const std::exception& e) {
    throw RpcException(ErrorCode::internal_error, std::string("cannot record job ") + id + ": " + e.what());
  }
  records_[id] = record;

  TransientUnit unit;
  unit.name = record.job.unit;
  unit.description = "nixtray " + kind_name(params.kind) + " (job " + id + ")";
  unit.argv = {self_executable_, "job-run", files.dir.string()};
  unit.environment = job_environment();
  unit.working_directory = files.work();
  unit.output_file = files.log();
  try {
    launcher_.start(unit);
  } catch (const std::exception& e) {
    auto& failed = record_of(id);
    failed.job.state = protocol::JobState::failed;
    failed.job.finished = now();
    protocol::JobFailure failure;
    failure.kind = protocol::FailureKind::internal;
    failure.message = e.what();
    failed.job.summary = failure.message;
    failed.job.failure = failure;
    save(failed);
    publish_("jobs", protocol::json(failed.job));
    throw RpcException(ErrorCode::internal_error, e.what());
  }
  log_info("job " + id + " (" + kind_name(params.kind) + ") started by " + peer.describe());
  follow(id);
  publish_("jobs", protocol::json(record_of(id).job));
  if (on_running_changed_) on_running_changed_();
  return {id};
}

void JobService::follow(const std::string& id) {
  running_ = std::make_unique<RunningJob>(io_, id);
  JobTracker::Callbacks callbacks;
  callbacks.on_lines = [this, id](const protocol::LogChunk& chunk) {
    publish_(protocol::log_topic(id), protocol::json(chunk));
  };
  callbacks.on_progress = [this] { publish_progress(false); };
  callbacks.on_finished = [this] {
    // Not from inside the tracker's own handler: finishing destroys the tracker.
    asio::post(io_, [this] { finish_running(); });
  };
  const auto unit = record_of(id).job.unit;
  callbacks.unit_exists = [this, unit] {
    try {
      return launcher_.exists(unit);
    } catch (const std::exception&) {
      return false;
    }
  };
  running_->tracker =
      std::make_unique<JobTracker>(io_, store_.files(id), std::move(callbacks), std::chrono::seconds(30));
  running_->tracker->start();
}

void JobService::publish_progress(bool force) {
  if (!running_ || running_->tracker->finished()) return;
  auto& record = record_of(running_->id);
  record.job.progress = running_->tracker->analyzer().progress();
  record.job.log_lines = running_->tracker->log().line_count();
  record.job.result_path = running_->tracker->analyzer().system_path();
  if (!force && running_->last_sent == record.job.progress) return;
  const auto since = std::chrono::steady_clock::now() - running_->last_publish;
  if (!force && since < progress_interval) {
    if (!running_->throttle_pending) {
      running_->throttle_pending = true;
      running_->throttle.expires_after(progress_interval - since);
      running_->throttle.async_wait([this, id = running_->id](const net::error_code& ec) {
        if (ec || !running_ || running_->id != id) return;
        running_->throttle_pending = false;
        publish_progress(true);
      });
    }
    return;
  }
  running_->last_publish = std::chrono::steady_clock::now();
  running_->last_sent = record.job.progress;
  publish_("jobs", protocol::json(record.job));
}

void JobService::finish_running() {
  if (!running_) return;
  const auto id = running_->id;
  auto& record = record_of(id);
  const auto& tracker = *running_->tracker;
  finalize(record, tracker.exit_code(), tracker.analyzer(), tracker.log().line_count());
  protocol::LogChunk last;
  last.from = last.next = record.job.log_lines;
  last.complete = true;
  finished_logs_.adopt(id, running_->tracker->take_log());
  running_.reset();
  publish_(protocol::log_topic(id), protocol::json(last));
  publish_("jobs", protocol::json(record.job));
  log_info("job " + id + " " + protocol::json(record.job.state).get<std::string>() +
           (record.job.summary ? ": " + *record.job.summary : std::string()));
  for (const auto& pruned : store_.prune_logs(config_.log_budget, {})) {
    finished_logs_.forget(pruned);
  }
  if (on_running_changed_) on_running_changed_();
}

void JobService::finalize(JobRecord& record, std::optional<int> exit_code, const JobLogAnalyzer& analyzer,
                          std::int64_t log_lines) {
  auto& job = record.job;
  job.finished = now();
  job.exit_code = exit_code;
  job.log_lines = log_lines;
  job.progress = analyzer.progress();
  job.result_path = analyzer.system_path();
  job.dry_activation = analyzer.dry_activation();
  job.generation_after = scan_profile(config_.profile_dir).default_number;
  if (exit_code == job_cancelled) {
    job.state = protocol::JobState::cancelled;  // it stopped at the activation gate by itself
    job.exit_code.reset();
  } else if (exit_code == 0) {
    job.state = protocol::JobState::succeeded;
    job.progress.phase = protocol::JobPhase::done;
    if (job.kind == protocol::JobKind::gc) job.freed_bytes = analyzer.freed_bytes();
  } else if (exit_code) {
    job.state = protocol::JobState::failed;
    job.failure = analyzer.failure(exit_code);
    job.summary = JobLogAnalyzer::summary_of(*job.failure);
  } else {
    job.state = record.cancel_requested ? protocol::JobState::cancelled : protocol::JobState::interrupted;
  }
  // Before anyone hears that the job ended: from then on no root of it lies in the state directory.
  roots_.settle(job, store_.files(job.id));
  save(record);
}

protocol::Job JobService::cancel(const std::string& id) {
  auto& record = record_of(id);
  if (record.job.state != protocol::JobState::running || !running_ || running_->id != id) {
    return record.job;  // finished already: nothing to cancel
  }
  // The job's own state decides, not its log (which the agent may not have read that far).
  GateClaim gate;
  try {
    gate = claim_activation_gate(store_.files(id), GateClaim::cancel);
  } catch (const std::exception& e) {
    throw RpcException(ErrorCode::internal_error, std::string("cannot cancel job ") + id + ": " + e.what());
  }
  if (gate == GateClaim::activate) {
    throw RpcException(ErrorCode::refused, "job " + id +
                                               " has begun to repoint the system profile or to activate; stopping it "
                                               "now could leave the system half-switched, so it runs to the end");
  }
  record.cancel_requested = true;
  save(record);
  try {
    launcher_.stop(record.job.unit);
  } catch (const std::exception& e) {
    throw RpcException(ErrorCode::internal_error, e.what());
  }
  return record.job;
}

protocol::JobsList JobService::list(int limit) const {
  std::vector<const JobRecord*> ordered;
  for (const auto& [id, record] : records_) ordered.push_back(&record);
  std::sort(ordered.begin(), ordered.end(),
            [](const JobRecord* a, const JobRecord* b) { return numeric(a->job.id) > numeric(b->job.id); });
  protocol::JobsList result;
  for (const auto* record : ordered) {
    if (static_cast<int>(result.jobs.size()) >= limit) break;
    result.jobs.push_back(record->job);
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
