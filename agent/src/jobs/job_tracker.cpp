#include "jobs/job_tracker.hpp"

#include "jobs/process_info.hpp"
#include "support/atomic_file.hpp"
#include "support/logger.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

namespace nixtray::agent {

namespace asio = net::asio;

namespace {

// One step of log reading: about 10 ms of analysis in a release build, a second under ASan.
constexpr std::uint64_t read_step_bytes = 256 * 1024;
// ... and at most this many lines, all of them in one `log:<id>` event: subscribers get every
// line, in events of a bounded size, however short the lines are.
constexpr std::size_t read_step_lines = 1000;

std::optional<int> read_number(const std::filesystem::path& file) {
  const auto text = read_small_file(file, 64);
  if (!text) return std::nullopt;
  int value = 0;
  const auto end = text->find_first_of("\n ");
  const auto digits = text->substr(0, end);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<pid_t> running_runner_pid(const JobFiles& files) {
  const auto pid = read_number(files.pid());
  if (!pid || *pid <= 0) return std::nullopt;
  // `... job-run <dir>`, word for word: a runner of /jobs/12 is not one of /jobs/1. And a root
  // process, as the runners are: a pid reused by another user's process never counts.
  const std::filesystem::path process = "/proc/" + std::to_string(*pid);
  const auto argv = read_process_argv(process);
  const auto word = std::find(argv.begin(), argv.end(), "job-run");
  if (word == argv.end() || std::next(word) == argv.end() || *std::next(word) != files.dir.string() ||
      !runs_as_root(process)) {
    return std::nullopt;
  }
  return static_cast<pid_t>(*pid);
}

JobTracker::JobTracker(asio::io_context& io, JobFiles files, Callbacks callbacks,
                       std::chrono::milliseconds runner_start_timeout)
    : io_(io),
      files_(std::move(files)),
      callbacks_(std::move(callbacks)),
      runner_start_timeout_(runner_start_timeout),
      log_(files_.log()),
      watcher_(io, [this] { on_change(); }),
      start_timer_(io) {}

JobTracker::~JobTracker() {
  *alive_ = false;
  if (runner_) {
    net::error_code ignored;
    runner_->close(ignored);
  }
}

void JobTracker::start() {
  watcher_.watch_directory(files_.dir, {}, true);
  watcher_.start();
  read_log();
  if (!watch_runner()) {
    if (read_number(files_.exit_code())) {
      finish();
      return;
    }
    start_timer_.expires_after(runner_start_timeout_);
    start_timer_.async_wait([this, alive = alive_](const net::error_code& ec) {
      if (!ec && *alive) check_runner_started();
    });
  }
}

void JobTracker::check_runner_started() {
  if (finished_ || runner_ || watch_runner()) return;
  if (read_number(files_.exit_code()) || !callbacks_.unit_exists || !callbacks_.unit_exists()) {
    finish();  // no runner and no unit: it will never start
    return;
  }
  start_timer_.expires_after(runner_start_timeout_);
  start_timer_.async_wait([this, alive = alive_](const net::error_code& ec) {
    if (!ec && *alive) check_runner_started();
  });
}

bool JobTracker::watch_runner() {
  if (runner_) return true;
  const auto pid = running_runner_pid(files_);
  if (!pid) return false;
  // A pidfd becomes readable when the process exits: no polling, and no race with pid reuse.
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, *pid, 0));
  if (fd < 0) {
    return false;
  }
  runner_.emplace(io_, fd);
  runner_->async_wait(asio::posix::stream_descriptor::wait_read, [this, alive = alive_](const net::error_code& ec) {
    if (!ec && *alive) finish();
  });
  return true;
}

void JobTracker::on_change() {
  if (finished_) return;
  read_log();  // and the rest later when it is long
  if (!runner_) {
    if (!watch_runner() && read_number(files_.exit_code())) {
      finish();  // the runner came and went between two looks
    }
  }
}

bool JobTracker::read_log() {
  const bool wanted = callbacks_.on_lines && (!callbacks_.wants_lines || callbacks_.wants_lines());
  auto appended = log_.read_appended([this](std::string_view raw) { return analyzer_.feed(raw); },
                                     wanted ? SIZE_MAX : 0, read_step_bytes, read_step_lines);
  if (wanted && !appended.lines.empty()) {
    callbacks_.on_lines(appended);
  }
  if (callbacks_.on_progress) callbacks_.on_progress();
  if (!log_.caught_up()) read_rest_later();
  return log_.caught_up();
}

void JobTracker::read_rest_later() {
  if (rest_scheduled_) return;
  rest_scheduled_ = true;
  asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    rest_scheduled_ = false;
    if (!finished_) read_log();
  });
}

void JobTracker::finish() {
  if (finished_) return;
  // Whatever the runner wrote last, all of it, still one step per turn of the event loop.
  if (!read_log()) {
    asio::post(io_, [this, alive = alive_] {
      if (*alive) finish();
    });
    return;
  }
  finished_ = true;
  start_timer_.cancel();
  exit_code_ = read_number(files_.exit_code());
  if (callbacks_.on_finished) callbacks_.on_finished();
}

}  // namespace nixtray::agent
