// A rebuild with `update`: the configuration's flake inputs updated where nothing of the user's
// changes until they switch. The runner copies the flake's directory into the job's working
// directory and runs `nix flake update` there (Nix 2.8, Debian's, has no --output-lock-file; a
// copy works with every Nix, and the copy, made by root, is root's: no "dubious ownership"),
// builds the copy, and keeps both locks in the job's directory. What moved is told in the log and
// in Job.update. A later switch or boot of that build's result replaces the configuration's
// flake.lock with the updated one, right after the system is registered, written as the owner of
// the lock it replaces (or of its directory), and only when that lock is still the one the update
// started from.
#pragma once

#include "jobs/job_files.hpp"
#include "jobs/runner_command.hpp"

#include <optional>
#include <string>
#include <variant>

namespace nixtray::agent {

// The flake.lock of a local flake reference's directory, canonical; nullopt when the reference
// names no local directory (an update needs one).
std::optional<std::filesystem::path> flake_lock_of(const std::string& flake);

// Copies the flake and updates its inputs (phase `updating`). Returns the reference to build (the
// copy, with the original's output name), or the exit code to stop with after saying why.
std::variant<std::string, int> update_flake_in_copy(const std::string& flake, const JobFiles& files,
                                                    const CommandOptions& environment);

// After the build: keeps both locks in the job's directory, removes the copy, and says which inputs
// moved (a line each, and the update marker for the agent).
void report_moved_inputs(const std::string& flake, const JobFiles& files);

// Removes the copy when the job ends without reporting (a failed update or build): a checkout's
// .git can be large, and the state directory keeps a job's directory as long as its record.
void remove_flake_copy(const JobFiles& files);

// Why the configuration's lock must not be replaced (it changed since the update), or nullopt.
std::optional<std::string> lock_replacement_problem(const LockReplacement& replacement);

// Puts the updated lock in place of the configuration's, atomically, owned as the lock it replaces.
// Throws std::runtime_error naming the file and the reason.
void replace_lock(const LockReplacement& replacement);

}  // namespace nixtray::agent
