// JobService: following the running job (its log lines and progress, throttled) and finishing it
// (its outcome from the runner's exit code and log, recorded before anyone hears of it).
#include "jobs/running_job.hpp"

#include "jobs/job_runner.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "nixtray/protocol/wire_name.hpp"
#include "state/profile_scan.hpp"
#include "support/logger.hpp"

#include <ctime>

namespace nixtray::agent {

namespace asio = net::asio;

namespace {

constexpr auto progress_interval = std::chrono::milliseconds(100);  // at most ~10 jobs events a second

}  // namespace

void JobService::follow(const std::string& id) {
  running_ = std::make_unique<RunningJob>(io_, id);
  JobTracker::Callbacks callbacks;
  callbacks.on_lines = [this, id](const protocol::LogChunk& chunk) {
    publish_(protocol::log_topic(id), protocol::json(chunk));
  };
  callbacks.wants_lines = [this, topic = protocol::log_topic(id)] { return listened_(topic); };
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
  log_info("job " + id + " " + protocol::wire_name(record.job.state) +
           (record.job.summary ? ": " + *record.job.summary : std::string()));
  for (const auto& pruned : store_.prune_logs(config_.log_budget, {})) {
    finished_logs_.forget(pruned);
  }
  if (on_running_changed_) on_running_changed_();
}

void JobService::finalize(JobRecord& record, std::optional<int> exit_code, const JobLogAnalyzer& analyzer,
                          std::int64_t log_lines) {
  auto& job = record.job;
  job.finished = std::time(nullptr);
  job.exit_code = exit_code;
  job.log_lines = log_lines;
  job.progress = analyzer.progress();
  job.result_path = analyzer.system_path();
  job.dry_activation = analyzer.dry_activation();
  job.update = analyzer.update();
  job.lock_written = analyzer.lock_written();
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
}  // namespace nixtray::agent
