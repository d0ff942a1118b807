#include "nixtray/testing/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

namespace nixtray::testing {
namespace {

void close_if_open(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

ExitStatus decode(int wstatus) {
  ExitStatus s;
  if (WIFEXITED(wstatus)) {
    s.exited = true;
    s.code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    s.signal = WTERMSIG(wstatus);
  }
  return s;
}

// Everything the child needs is prepared before fork(): between fork and execve only async-signal-safe calls
// are allowed (the test process may have threads).
struct ChildPlan {
  std::vector<std::string> argv_storage;
  std::vector<std::string> envp_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string cwd;
  std::string stdin_file, stdout_file, stderr_file;
};

[[noreturn]] void child_fail() { ::_exit(127); }

// Sets up fd target (0/1/2) in the child.
void child_redirect(const Redirect& r, int target, int pipe_child_end, const std::string& file) {
  int fd = -1;
  switch (r.kind) {
    case Redirect::Kind::Inherit:
      return;
    case Redirect::Kind::Null:
      fd = ::open("/dev/null", target == 0 ? O_RDONLY : O_WRONLY);
      break;
    case Redirect::Kind::Pipe:
      fd = pipe_child_end;
      break;
    case Redirect::Kind::File:
      fd = target == 0 ? ::open(file.c_str(), O_RDONLY) : ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      break;
  }
  if (fd < 0 || ::dup2(fd, target) < 0) child_fail();
}

}  // namespace

std::string ExitStatus::describe() const {
  if (exited) return "exit code " + std::to_string(code);
  return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
}

Subprocess Subprocess::spawn(const std::vector<std::string>& argv, SpawnOptions options) {
  if (argv.empty()) throw std::invalid_argument("Subprocess::spawn: empty argv");
  ChildPlan plan;
  plan.argv_storage = argv;
  plan.envp_storage = to_envp_strings(options.env);
  for (auto& a : plan.argv_storage) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : plan.envp_storage) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  if (options.cwd) plan.cwd = options.cwd->string();
  plan.stdin_file = options.stdin_from.file.string();
  plan.stdout_file = options.stdout_to.file.string();
  plan.stderr_file = options.stderr_to.file.string();

  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, hold_pipe[2] = {-1, -1};
  auto make_pipe = [](int p[2]) {
    if (::pipe2(p, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  };
  if (options.stdin_from.kind == Redirect::Kind::Pipe) make_pipe(in_pipe);
  if (options.stdout_to.kind == Redirect::Kind::Pipe) make_pipe(out_pipe);
  if (options.stderr_to.kind == Redirect::Kind::Pipe) make_pipe(err_pipe);
  if (options.hold_until_released) make_pipe(hold_pipe);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    // Child: async-signal-safe calls only.
    if (options.die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    }
    if (options.new_session) ::setsid();
    child_redirect(options.stdin_from, 0, in_pipe[0], plan.stdin_file);
    child_redirect(options.stdout_to, 1, out_pipe[1], plan.stdout_file);
    child_redirect(options.stderr_to, 2, err_pipe[1], plan.stderr_file);
    if (options.hold_until_released) {
      ::close(hold_pipe[1]);
      char c = 0;
      ssize_t n;
      do {
        n = ::read(hold_pipe[0], &c, 1);
      } while (n < 0 && errno == EINTR);
      if (n != 1) ::_exit(127);  // the parent gave up (closed without releasing)
    }
    // Signals the test process may block or ignore must not leak into the program.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (!plan.cwd.empty() && ::chdir(plan.cwd.c_str()) != 0) child_fail();
    ::execve(plan.argv[0], plan.argv.data(), plan.envp.data());
    child_fail();
  }

  Subprocess p;
  p.pid_ = pid;
  if (in_pipe[0] >= 0) {
    ::close(in_pipe[0]);
    p.stdin_fd_ = in_pipe[1];
  }
  if (out_pipe[1] >= 0) {
    ::close(out_pipe[1]);
    p.stdout_fd_ = out_pipe[0];
  }
  if (err_pipe[1] >= 0) {
    ::close(err_pipe[1]);
    p.stderr_fd_ = err_pipe[0];
  }
  if (hold_pipe[0] >= 0) {
    ::close(hold_pipe[0]);
    p.release_fd_ = hold_pipe[1];
  }
  return p;
}

Subprocess::Subprocess(Subprocess&& other) noexcept { *this = std::move(other); }

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !status_) kill_and_wait();
    close_fds();
    pid_ = other.pid_;
    stdin_fd_ = other.stdin_fd_;
    stdout_fd_ = other.stdout_fd_;
    stderr_fd_ = other.stderr_fd_;
    release_fd_ = other.release_fd_;
    status_ = other.status_;
    other.pid_ = -1;
    other.stdin_fd_ = other.stdout_fd_ = other.stderr_fd_ = other.release_fd_ = -1;
    other.status_.reset();
  }
  return *this;
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !status_) kill_and_wait();
  close_fds();
}

void Subprocess::close_fds() {
  close_if_open(stdin_fd_);
  close_if_open(stdout_fd_);
  close_if_open(stderr_fd_);
  close_if_open(release_fd_);
}

void Subprocess::release() {
  if (release_fd_ < 0) return;
  const char c = 'g';
  [[maybe_unused]] auto n = ::write(release_fd_, &c, 1);
  close_if_open(release_fd_);
}

void Subprocess::write_stdin(const std::string& data) {
  size_t done = 0;
  while (stdin_fd_ >= 0 && done < data.size()) {
    const ssize_t n = ::write(stdin_fd_, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EPIPE: the child does not read its input; not our problem here
    }
    done += static_cast<size_t>(n);
  }
}

void Subprocess::close_stdin() { close_if_open(stdin_fd_); }

std::optional<ExitStatus> Subprocess::try_wait() {
  if (status_) return status_;
  if (pid_ <= 0) return std::nullopt;
  int ws = 0;
  const pid_t r = ::waitpid(pid_, &ws, WNOHANG);
  if (r == pid_) status_ = decode(ws);
  return status_;
}

std::optional<ExitStatus> Subprocess::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  while (!try_wait()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(20)) pause *= 2;
  }
  return status_;
}

ExitStatus Subprocess::wait() {
  if (status_) return *status_;
  int ws = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &ws, 0);
  } while (r < 0 && errno == EINTR);
  status_ = r == pid_ ? decode(ws) : ExitStatus{};
  return *status_;
}

bool Subprocess::running() { return pid_ > 0 && !try_wait(); }

void Subprocess::send_signal(int sig) {
  if (running()) ::kill(pid_, sig);
}

ExitStatus Subprocess::kill_and_wait() {
  close_if_open(release_fd_);  // a held child exits by itself when the pipe closes
  send_signal(SIGKILL);
  return wait();
}

std::optional<ExitStatus> Subprocess::collect_output(std::string& out, std::string& err,
                                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  while (stdout_fd_ >= 0 || stderr_fd_ >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd fds[2];
    nfds_t n = 0;
    if (stdout_fd_ >= 0) fds[n++] = {stdout_fd_, POLLIN, 0};
    if (stderr_fd_ >= 0) fds[n++] = {stderr_fd_, POLLIN, 0};
    // Short poll slices: a grandchild that inherited the pipes could keep them open after the child ended.
    const int r = ::poll(fds, n, static_cast<int>(std::min<long long>(left.count(), 100)));
    if (r < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      int& fd = fds[i].fd == stdout_fd_ ? stdout_fd_ : stderr_fd_;
      std::string& sink = fds[i].fd == stdout_fd_ ? out : err;
      const ssize_t got = ::read(fd, buf, sizeof buf);
      if (got > 0) {
        sink.append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        close_if_open(fd);
      }
    }
    if (r == 0 && try_wait()) {
      // The child ended; read what is buffered without blocking, then stop even if a grandchild holds the pipe.
      for (int* fd : {&stdout_fd_, &stderr_fd_}) {
        if (*fd < 0) continue;
        std::string& sink = fd == &stdout_fd_ ? out : err;
        ::fcntl(*fd, F_SETFL, ::fcntl(*fd, F_GETFL) | O_NONBLOCK);
        ssize_t got;
        while ((got = ::read(*fd, buf, sizeof buf)) > 0) sink.append(buf, static_cast<size_t>(got));
        close_if_open(*fd);
      }
    }
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return wait_for(std::max(left, std::chrono::milliseconds(0)));
}

}  // namespace nixtray::testing
