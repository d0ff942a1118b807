#include "core/distro/process_runner.hpp"

#if !defined(_WIN32)
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;
#else
#include "nixtray/net/windows_child.hpp"
#include "nixtray/net/windows_command_line.hpp"

#include <windows.h>

#include <optional>
#include <system_error>
#endif

#include <memory>

namespace nixtray::tray {

namespace asio = net::asio;

std::string quote_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& word : argv) {
    if (!line.empty()) line += ' ';
#if defined(_WIN32)
    // As a Windows person would type it: backslashes in paths stay single.
    line += net::quote_windows_argument(word);
#else
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
#endif
  }
  return line;
}

std::string ProcessOutcome::describe() const {
  const std::string command = "`" + quote_command_line(argv) + "`";
  if (!started) return command + " could not be started: " + error;
  std::string text;
  if (timed_out) {
    text = command + " did not finish in time and was stopped";
  } else if (term_signal) {
    text = command + " was killed by signal " + std::to_string(*term_signal);
  } else if (exit_code) {
    text = command + " exited with " + std::to_string(*exit_code);
  } else {
    text = command + " ended";
  }
  // The last non-empty line of stderr usually says why.
  std::string_view e = err;
  while (!e.empty() && (e.back() == '\n' || e.back() == '\r' || e.back() == ' ')) e.remove_suffix(1);
  if (!e.empty()) {
    const auto newline = e.rfind('\n');
    text += ": " + std::string(newline == std::string_view::npos ? e : e.substr(newline + 1));
  }
  return text;
}

namespace {

// One of the child's output streams, read to its end into `data` (up to a limit).
template <class Stream>
struct Capture {
  explicit Capture(Stream pipe) : stream(std::move(pipe)) {}
  Stream stream;
  std::string data;
  bool done = false;
};

template <class Stream>
asio::awaitable<void> read_all(std::shared_ptr<Capture<Stream>> capture, std::size_t limit) {
  std::string buffer(8192, '\0');
  for (;;) {
    auto [ec, n] = co_await capture->stream.async_read_some(asio::buffer(buffer), net::use_nothrow);
    if (n > 0 && capture->data.size() < limit) {
      capture->data.append(buffer.data(), std::min(n, limit - capture->data.size()));
    }
    if (ec) break;
  }
  capture->done = true;
}

// After the child has exited. A grandchild may keep the pipes open: read what is there, briefly,
// then stop listening.
template <class Stream>
asio::awaitable<void> finish_capture(ProcessOutcome& outcome, std::shared_ptr<Capture<Stream>> out,
                                     std::shared_ptr<Capture<Stream>> err) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while ((!out->done || !err->done) && std::chrono::steady_clock::now() < drain_deadline) {
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(net::use_nothrow);
  }
  net::error_code ignored;
  out->stream.close(ignored);
  err->stream.close(ignored);
  outcome.out = out->data;
  outcome.err = err->data;
}

}  // namespace

#if !defined(_WIN32)

namespace {

using PipeCapture = Capture<asio::posix::stream_descriptor>;

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
  asio::co_spawn(executor, read_all(out, options.max_output_bytes), asio::detached);
  asio::co_spawn(executor, read_all(err, options.max_output_bytes), asio::detached);

  // Exit is polled: a SIGCHLD handler would be process-wide and clash with the GUI toolkit's.
  asio::steady_timer timer(executor);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  auto interval = std::chrono::milliseconds(2);
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      status = -1;
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      outcome.timed_out = true;
      break;
    }
    timer.expires_after(std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
    co_await timer.async_wait(net::use_nothrow);
    interval = std::min(interval * 2, std::chrono::milliseconds(50));
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

#else

namespace {

using PipeCapture = Capture<asio::windows::stream_handle>;

}  // namespace

asio::awaitable<ProcessOutcome> run_process(std::vector<std::string> argv, ProcessOptions options) {
  ProcessOutcome outcome;
  outcome.argv = argv;
  if (argv.empty() || argv.front().empty()) {
    outcome.error = "no command given";
    co_return outcome;
  }
  auto executor = co_await asio::this_coro::executor;
  std::optional<net::windows::Child> child;
  try {
    child.emplace(
        net::windows::spawn_child(executor, argv, {.pipe_stdin = false, .pipe_stdout = true, .pipe_stderr = true}));
  } catch (const std::system_error& e) {
    outcome.error = e.what();
    co_return outcome;
  }
  outcome.started = true;
  auto out = std::make_shared<PipeCapture>(std::move(*child->out));
  auto err = std::make_shared<PipeCapture>(std::move(*child->err));
  asio::co_spawn(executor, read_all(out, options.max_output_bytes), asio::detached);
  asio::co_spawn(executor, read_all(err, options.max_output_bytes), asio::detached);

  // Exit is polled, as on POSIX: one thread, nothing to cancel. (Asio's wait on a handle runs on
  // a thread-pool thread and cannot be cancelled, so a deadline raced against it with || waits
  // forever for a child that never ends.)
  const HANDLE process = child->process.native_handle();
  asio::steady_timer timer(executor);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  auto interval = std::chrono::milliseconds(2);
  for (;;) {
    if (::WaitForSingleObject(process, 0) == WAIT_OBJECT_0) {
      outcome.exit_code = static_cast<int>(net::windows::exit_code_of(child->process));
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      // Only the process we started, by its handle; asked again while it has not ended, since a
      // child that is still starting can miss the first request (seen under Wine).
      for (int attempt = 0; attempt < 50; ++attempt) {
        ::TerminateProcess(process, 1);
        if (::WaitForSingleObject(process, 100) == WAIT_OBJECT_0) break;
      }
      outcome.timed_out = true;
      break;
    }
    timer.expires_after(std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
    co_await timer.async_wait(net::use_nothrow);
    interval = std::min(interval * 2, std::chrono::milliseconds(50));
  }
  auto finish = finish_capture(outcome, out, err);
  co_await std::move(finish);
  co_return outcome;
}

std::string launch_detached(const std::vector<std::string>& argv) {
  if (argv.empty() || argv.front().empty()) {
    return "no command given";
  }
  return net::windows::start_detached(argv);
}

#endif

}  // namespace nixtray::tray
