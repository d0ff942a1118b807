#include "nixtray/net/pipe_stream.hpp"

#if !defined(_WIN32)
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <thread>

extern char** environ;

namespace nixtray::net {

PipeStream::PipeStream(asio::any_io_executor executor, int read_fd, int write_fd, pid_t child, std::string description)
    : in_(executor, read_fd), out_(executor, write_fd), child_(child), description_(std::move(description)) {}

PipeStream::~PipeStream() { close(); }

asio::awaitable<std::pair<error_code, std::size_t>> PipeStream::read_some(asio::mutable_buffer buffer) {
  auto [ec, n] = co_await in_.async_read_some(buffer, use_nothrow);
  co_return std::pair{ec, n};
}

asio::awaitable<std::pair<error_code, std::size_t>> PipeStream::write_all(
    const std::vector<asio::const_buffer>& buffers) {
  auto [ec, n] = co_await asio::async_write(out_, buffers, use_nothrow);
  co_return std::pair{ec, n};
}

void PipeStream::close() {
  error_code ignored;
  in_.close(ignored);
  out_.close(ignored);
  reap_child();
}

void PipeStream::reap_child() {
  if (child_ <= 0) {
    return;
  }
  // The command normally exits when its stdin closes (the bridge does); give it a moment, then
  // ask, then insist. Only our own child is signalled.
  using namespace std::chrono_literals;
  const auto wait_until_gone = [this](std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      const pid_t r = ::waitpid(child_, &status, WNOHANG);
      if (r == child_ || (r < 0 && errno == ECHILD)) {
        return true;
      }
      std::this_thread::sleep_for(5ms);
    }
    return false;
  };
  if (!wait_until_gone(500ms)) {
    ::kill(child_, SIGTERM);
    if (!wait_until_gone(2000ms)) {
      ::kill(child_, SIGKILL);
      ::waitpid(child_, nullptr, 0);
    }
  }
  child_ = 0;
}

std::unique_ptr<PipeStream> spawn_command_stream(asio::any_io_executor executor, const std::vector<std::string>& argv) {
  if (argv.empty()) {
    throw std::invalid_argument("empty command");
  }
  int to_child[2];
  int from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe");
  }
  if (::pipe2(from_child, O_CLOEXEC) != 0) {
    const int err = errno;
    ::close(to_child[0]);
    ::close(to_child[1]);
    throw std::system_error(err, std::generic_category(), "pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (rc != 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    throw std::system_error(rc, std::generic_category(), "cannot start " + argv[0]);
  }
  // A child that exits early must not kill us with SIGPIPE when we write to it.
  ::signal(SIGPIPE, SIG_IGN);
  return std::make_unique<PipeStream>(executor, from_child[0], to_child[1], pid, "command " + argv[0]);
}

}  // namespace nixtray::net

#else
#include <windows.h>

namespace nixtray::net {

asio::awaitable<std::pair<error_code, std::size_t>> ChildProcessStream::read_some(asio::mutable_buffer buffer) {
  if (!child_.out || !child_.out->is_open()) {
    co_return std::pair{error_code(asio::error::eof), std::size_t{0}};
  }
  auto [ec, n] = co_await child_.out->async_read_some(buffer, use_nothrow);
  // A pipe whose writer has gone reports "broken pipe": for a reader that is the end of input.
  if (ec == asio::error::broken_pipe) ec = asio::error::eof;
  co_return std::pair{ec, n};
}

asio::awaitable<std::pair<error_code, std::size_t>> ChildProcessStream::write_all(
    const std::vector<asio::const_buffer>& buffers) {
  if (!child_.in || !child_.in->is_open()) {
    co_return std::pair{error_code(asio::error::broken_pipe), std::size_t{0}};
  }
  auto [ec, n] = co_await asio::async_write(*child_.in, buffers, use_nothrow);
  co_return std::pair{ec, n};
}

void ChildProcessStream::close() {
  error_code ignored;
  if (child_.in) child_.in->close(ignored);
  if (child_.out) child_.out->close(ignored);
  if (!child_.process.is_open()) {
    return;
  }
  const HANDLE process = child_.process.native_handle();
  if (::WaitForSingleObject(process, 500) == WAIT_TIMEOUT) {
    ::TerminateProcess(process, 1);
    ::WaitForSingleObject(process, 2000);
  }
  child_.process.close(ignored);
}

std::unique_ptr<ByteStream> spawn_command_stream(asio::any_io_executor executor, const std::vector<std::string>& argv) {
  if (argv.empty()) {
    throw std::invalid_argument("empty command");
  }
  auto child = windows::spawn_child(executor, argv, {.pipe_stdin = true, .pipe_stdout = true, .pipe_stderr = false});
  return std::make_unique<ChildProcessStream>(std::move(child), "command " + argv.front());
}

}  // namespace nixtray::net
#endif
