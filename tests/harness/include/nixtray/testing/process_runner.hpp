#pragma once
// Run a program to completion: argv + explicit environment in, stdout/stderr/exit status out, with a timeout.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nixtray/testing/environment.hpp"
#include "nixtray/testing/subprocess.hpp"

namespace nixtray::testing {

struct RunOptions {
  Environment env = minimal_environment();
  std::optional<std::filesystem::path> cwd;
  std::string stdin_data;  // written to the child's stdin, which is then closed
  // Scaled by run_process (NIXTRAY_TEST_TIMEOUT_FACTOR). On timeout the child (only it, by PID) gets SIGKILL.
  std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

struct ProcessResult {
  std::vector<std::string> argv;
  ExitStatus status;
  bool timed_out = false;
  std::string out;
  std::string err;

  bool ok() const { return !timed_out && status.exited && status.code == 0; }
  int exit_code() const { return status.as_int(); }
  // argv, status and both outputs, for test failure messages.
  std::string describe() const;
};

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

// Like run_process, but throws std::runtime_error (with describe()) unless the program exited 0.
ProcessResult run_checked(const std::vector<std::string>& argv, const RunOptions& options = {});

// argv as a readable, shell-quoted line (for messages only; never executed).
std::string quote_argv(const std::vector<std::string>& argv);

// Trailing whitespace removed.
std::string trim_right(std::string s);

}  // namespace nixtray::testing
