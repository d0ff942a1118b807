#pragma once
// One child process started from an argv (never through a shell), owned by this object: it is the only
// process the harness ever signals, and always by its own PID.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nixtray/testing/environment.hpp"

namespace nixtray::testing {

// How a child ended.
struct ExitStatus {
  bool exited = false;  // true: normal exit with code; false: killed by signal
  int code = 0;
  int signal = 0;
  // Shell convention: code, or 128 + signal.
  int as_int() const { return exited ? code : 128 + signal; }
  std::string describe() const;
};

// Where a standard stream of the child goes.
struct Redirect {
  enum class Kind { Inherit, Null, Pipe, File };
  Kind kind = Kind::Null;
  std::filesystem::path file;  // Kind::File: opened for append (created if missing)
  static Redirect inherit() { return {Kind::Inherit, {}}; }
  static Redirect null() { return {Kind::Null, {}}; }
  static Redirect pipe() { return {Kind::Pipe, {}}; }
  static Redirect append_to(std::filesystem::path path) { return {Kind::File, std::move(path)}; }
};

struct SpawnOptions {
  Environment env = minimal_environment();  // the child's whole environment
  std::optional<std::filesystem::path> cwd;
  Redirect stdin_from = Redirect::null();  // Pipe: write with write_stdin(), close with close_stdin()
  Redirect stdout_to = Redirect::pipe();
  Redirect stderr_to = Redirect::pipe();
  bool new_session = false;      // setsid(): own session and process group, no controlling terminal
  bool die_with_parent = false;  // PR_SET_PDEATHSIG(SIGKILL): killed when the thread that spawned it exits
  // The child waits before execve until release() is called, so the parent can prepare things that need
  // the child's PID (e.g. move it into cgroups) before the program runs.
  bool hold_until_released = false;
};

class Subprocess {
 public:
  // Throws std::system_error if fork fails; an execve failure shows as exit code 127.
  static Subprocess spawn(const std::vector<std::string>& argv, SpawnOptions options);

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  // Kills (SIGKILL) and reaps the child if it is still running.
  ~Subprocess();

  pid_t pid() const { return pid_; }
  void release();  // for hold_until_released

  int stdout_fd() const { return stdout_fd_; }
  int stderr_fd() const { return stderr_fd_; }
  void write_stdin(const std::string& data);
  void close_stdin();

  // Non-blocking: the status if the child has ended (and reaps it).
  std::optional<ExitStatus> try_wait();
  // Blocks until the child ends or timeout passes.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);
  ExitStatus wait();
  bool running();
  // Sends sig to this child only (never to a group); ignored if it already ended.
  void send_signal(int sig);
  // SIGKILL + reap.
  ExitStatus kill_and_wait();

  // Both pipes are read until EOF (or until the child ended and the pipes are drained).
  // Used by run_process; exposed for callers that stream output.
  std::optional<ExitStatus> collect_output(std::string& out, std::string& err, std::chrono::milliseconds timeout);

 private:
  Subprocess() = default;
  void close_fds();

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  int release_fd_ = -1;
  std::optional<ExitStatus> status_;
};

}  // namespace nixtray::testing
