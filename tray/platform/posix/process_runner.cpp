#include "core/distro/process_capture.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace nixtray::tray {

namespace asio = net::asio;

std::string quote_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) {
    if (!line.empty()) line += ' ';
    if (!word.empty() && word.find_first_of(" \t\"\\") == std::string::npos) {
      line += word;
      continue;
    }
    line += '"';
    for (const char c : word) {
      if (c == '"' || c == '\\') line += '\\';
      line += c;
    }
    line += '"';
  }
  return line;
}

namespace {

using PipeCapture = OutputCapture<asio::posix::stream_descriptor>;

constexpr int still_running = -2;  // wait_for_exit's answer at the deadline: no wait status is negative

// Waits until the child `pid` exits or the deadline passes; returns its wait status (reaped), -1
// when it cannot be waited for, or still_running. A pidfd becomes readable when the process exits:
// the wait ends at the exit, with no SIGCHLD handler (process-wide, it would clash with the GUI
// toolkit's). Without pidfd_open (kernels before 5.3, some sandboxes) it looks every few ms,
// then every 50 ms.
asio::awaitable<int> wait_for_exit(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  auto executor = co_await asio::this_coro::executor;
  int status = 0;
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd >= 0) {
    asio::posix::stream_descriptor exited(executor, fd);
    asio::steady_timer timer(executor, deadline);
    auto race = exited.async_wait(asio::posix::stream_descriptor::wait_read, net::use_nothrow) ||
                timer.async_wait(net::use_nothrow);
    const auto ended = co_await std::move(race);
    if (ended.index() == 1) {  // the deadline, unless the child ended in the same moment
      co_return ::waitpid(pid, &status, WNOHANG) == pid ? status : still_running;
    }
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) co_return -1;
    }
    co_return status;
  }
  asio::steady_timer timer(executor);
  auto interval = std::chrono::milliseconds(2);
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) co_return status;
    if (r < 0 && errno != EINTR) co_return -1;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) co_return still_running;
    timer.expires_after(std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
    co_await timer.async_wait(net::use_nothrow);
    interval = std::min(interval * 2, std::chrono::milliseconds(50));
  }
}

void close_pair(int fds[2]) {
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace

asio::awaitable<ProcessOutcome> run_process(std::vector<std::string> argv, ProcessOptions options) {
  ProcessOutcome outcome;
  outcome.argv = argv;
  if (argv.empty() || argv.front().empty()) {
    outcome.error = "no command given";
    co_return outcome;
  }
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    outcome.error = std::strerror(errno);
    co_return outcome;
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    outcome.error = std::strerror(errno);
    close_pair(out_pipe);
    co_return outcome;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& word : argv) args.push_back(word.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    outcome.error = std::strerror(rc);
    co_return outcome;
  }
  outcome.started = true;

  auto executor = co_await asio::this_coro::executor;
  auto out = std::make_shared<PipeCapture>(asio::posix::stream_descriptor(executor, out_pipe[0]));
  auto err = std::make_shared<PipeCapture>(asio::posix::stream_descriptor(executor, err_pipe[0]));
  asio::co_spawn(executor, read_output(out, options.max_output_bytes), asio::detached);
  asio::co_spawn(executor, read_output(err, options.max_output_bytes), asio::detached);

  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  auto waiting = wait_for_exit(pid, deadline);
  int status = co_await std::move(waiting);
  if (status == still_running) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    outcome.timed_out = true;
  }
  if (!outcome.timed_out && status != -1) {
    if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) outcome.term_signal = WTERMSIG(status);
  }
  auto finish = finish_capture(outcome, out, err);
  co_await std::move(finish);
  co_return outcome;
}

std::string launch_detached(const std::vector<std::string>& argv) {
  if (argv.empty() || argv.front().empty()) {
    return "no command given";
  }
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& word : argv) args.push_back(const_cast<char*>(word.c_str()));
  args.push_back(nullptr);
  // The grandchild reports a failed exec through this pipe; end of file means it started.
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    return std::strerror(errno);
  }
  const pid_t child = ::fork();
  if (child < 0) {
    const int e = errno;
    close_pair(report);
    return std::strerror(e);
  }
  if (child == 0) {
    // Intermediate child: a new session, so the program is not ours to reap or to kill.
    ::setsid();
    const pid_t grandchild = ::fork();
    if (grandchild == 0) {
      const int null_fd = ::open("/dev/null", O_RDWR);
      if (null_fd >= 0) {
        ::dup2(null_fd, STDIN_FILENO);
        ::dup2(null_fd, STDOUT_FILENO);
      }
      ::execvp(args[0], args.data());
      const int e = errno;
      (void)!::write(report[1], &e, sizeof(e));
      ::_exit(127);
    }
    ::_exit(grandchild < 0 ? 1 : 0);
  }
  ::close(report[1]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  int exec_errno = 0;
  ssize_t n = 0;
  do {
    n = ::read(report[0], &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof(exec_errno))) {
    return "cannot start " + argv.front() + ": " + std::strerror(exec_errno);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "cannot start " + argv.front();
  }
  return {};
}

}  // namespace nixtray::tray
