// `nixtray-agent job-run DIR`: runs one job inside its transient systemd unit, so that the job
// survives the agent (activation may restart the agent itself). It reads DIR/spec.json, prints
// everything to stdout (systemd appends it to DIR/log), marks its phases with `@nixtray` lines,
// and writes DIR/exit-code when it ends.
#pragma once

#include <filesystem>

namespace nixtray::agent {

// Exit codes of a job runner, written to exit-code.
enum JobExitCode : int {
  job_succeeded = 0,
  job_command_failed = 1,     // nixos-rebuild / nix-env / nix-store failed (details in the log)
  job_check_failed = 3,       // the built system lacks what activation needs
  job_activation_failed = 4,  // switch-to-configuration failed
  job_bad_spec = 5,           // the spec could not be read or makes no sense
  job_cancelled = 6,          // a cancel came first at the activation gate: nothing was changed
};

int run_job(const std::filesystem::path& job_dir);

}  // namespace nixtray::agent
