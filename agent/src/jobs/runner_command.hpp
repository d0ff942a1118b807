// What a job runner does with the outside world: lines into the job log (its stdout, which systemd
// appends to <job>/log), commands run from an argv (PATH searched, never a shell) with their
// output in the log, and a declared failure.
#pragma once

#include "nixtray/protocol/jobs.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

// One line into the job log.
void say_in_log(const std::string& line);

struct CommandOptions {
  bool capture_tail = false;  // also keep the end of the output (CommandResult::output)
  // stdout into this file instead of the log (stderr still goes to the log): for output too long
  // or too dull to show, such as a list of every dead store path.
  std::optional<std::filesystem::path> stdout_file;
  // NAME=VALUE on top of the runner's environment (replacing the runner's value of NAME).
  std::vector<std::string> extra_environment;
};

struct CommandResult {
  int exit_code = 0;
  std::string output;  // the end of what the command printed, with capture_tail
};

CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const CommandOptions& options = {});

// Says why the job fails (a line and the failure marker) and returns exit_code.
int fail_job(protocol::FailureKind kind, const std::string& message, int exit_code);

}  // namespace nixtray::agent
