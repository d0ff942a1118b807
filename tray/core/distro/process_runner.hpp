// Runs a program from an argv (never through a shell) on the caller's io_context: output
// captured, a deadline, and only the child we started is ever signalled (by its PID).
// run_process, launch_detached and quote_command_line are the platform's (tray/platform/posix:
// posix_spawn and pipes; tray/platform/win: CreateProcess with overlapped pipes, no console
// window, net/windows_child.hpp).
#pragma once

#include "nixtray/net/asio.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct ProcessOutcome {
  std::vector<std::string> argv;
  bool started = false;  // false: it could not be started; `error` says why
  bool timed_out = false;
  std::optional<int> exit_code;    // when it exited by itself
  std::optional<int> term_signal;  // when a signal ended it
  std::string out;
  std::string err;
  std::string error;

  [[nodiscard]] bool ok() const { return started && !timed_out && exit_code == 0; }
  // "`wsl.exe --terminate NixOS` exited with 1: <last line of stderr>", for messages.
  [[nodiscard]] std::string describe() const;
};

struct ProcessOptions {
  std::chrono::milliseconds timeout{30'000};
  std::size_t max_output_bytes = 1024 * 1024;  // per stream; the rest is dropped
};

// Never throws for a failing program: every outcome is a value.
net::asio::awaitable<ProcessOutcome> run_process(std::vector<std::string> argv, ProcessOptions options = {});

// Starts a program that outlives us (a terminal window) and does not wait for it. Returns an
// empty string on success, else why it could not be started.
std::string launch_detached(const std::vector<std::string>& argv);

// For messages only (never executed): words with spaces or quotes are double-quoted.
std::string quote_command_line(const std::vector<std::string>& argv);

}  // namespace nixtray::tray
