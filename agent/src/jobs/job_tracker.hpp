// Follows one running job from the agent's side: reads its log as it grows (inotify on the job's
// directory), feeds the analyzer, and notices when the runner ends (a pidfd of the runner,
// whose pid it writes at start). Works the same for a job the agent just launched and for one
// a restarted agent finds still running: it starts from the beginning of the log file.
#pragma once

#include "jobs/job_files.hpp"
#include "jobs/job_log.hpp"
#include "jobs/job_log_analyzer.hpp"
#include "nixtray/net/asio.hpp"
#include "state/path_watcher.hpp"

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>

namespace nixtray::agent {

class JobTracker {
 public:
  struct Callbacks {
    std::function<void(const protocol::LogChunk& appended)> on_lines;
    // Whether anyone reads on_lines now; when not, the lines are numbered and analysed, not
    // gathered (a chatty build's million lines would otherwise be copied for nobody).
    std::function<bool()> wants_lines;
    std::function<void()> on_progress;  // the analyzer's state may have changed
    std::function<void()> on_finished;  // the runner is gone; exit_code() tells how it ended
    // Asked when no runner showed up in time: is its unit still known to systemd?
    std::function<bool()> unit_exists;
  };

  JobTracker(net::asio::io_context& io, JobFiles files, Callbacks callbacks,
             std::chrono::milliseconds runner_start_timeout);
  ~JobTracker();
  JobTracker(const JobTracker&) = delete;
  JobTracker& operator=(const JobTracker&) = delete;

  void start();

  [[nodiscard]] const JobLogAnalyzer& analyzer() const { return analyzer_; }
  [[nodiscard]] const JobLog& log() const { return log_; }
  // Hands the log (and its line index) over once the job finished, so nobody reads the file again.
  JobLog take_log() { return std::move(log_); }
  [[nodiscard]] bool finished() const { return finished_; }
  // The runner's exit code, when it wrote one (it did not if it was killed).
  [[nodiscard]] std::optional<int> exit_code() const { return exit_code_; }

 private:
  void on_change();
  // Reads one step of new log (at most read_step_bytes, so a job that prints fast cannot keep
  // the event loop from other clients); true when it reached the end of what was written.
  bool read_log();
  // Reads the rest in further steps, each one a separate turn of the event loop.
  void read_rest_later();
  bool watch_runner();
  void finish();
  void check_runner_started();

  net::asio::io_context& io_;
  JobFiles files_;
  Callbacks callbacks_;
  std::chrono::milliseconds runner_start_timeout_;
  JobLog log_;
  JobLogAnalyzer analyzer_;
  PathWatcher watcher_;
  std::optional<net::asio::posix::stream_descriptor> runner_;
  net::asio::steady_timer start_timer_;
  bool finished_ = false;
  bool rest_scheduled_ = false;
  std::optional<int> exit_code_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The runner's pid from its pid file, if that process still runs `job-run` for this job
// (guards against a reused pid after a reboot of the distro).
std::optional<pid_t> running_runner_pid(const JobFiles& files);

}  // namespace nixtray::agent
