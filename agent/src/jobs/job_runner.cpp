#include "jobs/job_runner.hpp"

#include "jobs/activation_gate.hpp"
#include "jobs/job_exit_code.hpp"
#include "jobs/job_files.hpp"
#include "jobs/job_markers.hpp"
#include "state/profile_scan.hpp"
#include "support/atomic_file.hpp"

#include "nixtray/text/byte_size.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

extern char** environ;

namespace nixtray::agent {

namespace fs = std::filesystem;
using protocol::JobPhase;

namespace {

void say(const std::string& line) {
  const std::string text = line + "\n";
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = ::write(STDOUT_FILENO, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    written += static_cast<std::size_t>(n);
  }
}

// nix-store --gc ends with "1234 store paths deleted, 56.78 MiB freed"; returns
// "1234 store paths, freed 56.78 MiB", or "" when the line is not there.
std::string gc_summary(std::string_view output) {
  constexpr std::string_view middle = " store paths deleted, ";
  const auto at = output.rfind(middle);
  if (at == std::string_view::npos) return {};
  auto count_start = at;
  while (count_start > 0 && output[count_start - 1] >= '0' && output[count_start - 1] <= '9') --count_start;
  const auto freed_start = at + middle.size();
  const auto freed_end = output.find(" freed", freed_start);
  if (count_start == at || freed_end == std::string_view::npos) return {};
  return std::string(output.substr(count_start, at - count_start)) + " store paths, freed " +
         std::string(output.substr(freed_start, freed_end - freed_start));
}

std::string quoted(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& arg : argv) {
    const bool plain = !arg.empty() && arg.find_first_of(" \t'\"\\$`") == std::string::npos;
    line += (line.empty() ? "" : " ") + (plain ? arg : "'" + arg + "'");
  }
  return line;
}

struct CommandResult {
  int exit_code = 0;
  std::string output;  // the end of what the command printed, when captured
};

// What a captured command's output keeps: its end, where the tools used put their summary
// (nix-store --gc lists every path it deletes, then the totals).
constexpr std::size_t captured_tail_bytes = 64 * 1024;

// Runs argv (PATH searched, no shell) in cwd with stdout+stderr copied to our stdout (the job log).
// When `capture` is set the end of the output is also kept, for commands whose result we must read.
CommandResult run_command(const std::vector<std::string>& argv, const fs::path& cwd, bool capture = false) {
  say("$ " + quoted(argv));
  int pipe_fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (capture) {
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return {job_command_failed, {}};
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  CommandResult result;
  if (capture) {
    ::close(pipe_fds[1]);
    if (rc == 0) {
      char buffer[8192];
      for (;;) {
        const auto n = ::read(pipe_fds[0], buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        result.output.append(buffer, static_cast<std::size_t>(n));
        if (result.output.size() > 2 * captured_tail_bytes) {
          result.output.erase(0, result.output.size() - captured_tail_bytes);
        }
        std::size_t written = 0;
        while (written < static_cast<std::size_t>(n)) {
          const auto w = ::write(STDOUT_FILENO, buffer + written, static_cast<std::size_t>(n) - written);
          if (w <= 0) break;
          written += static_cast<std::size_t>(w);
        }
      }
    }
    ::close(pipe_fds[0]);
  }
  if (rc != 0) {
    say("error: cannot run " + argv[0] + ": " + std::strerror(rc));
    result.exit_code = 127;
    return result;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::optional<int> default_generation(const fs::path& profile) {
  std::error_code ec;
  const auto target = fs::read_symlink(profile, ec);
  if (ec) return std::nullopt;
  return generation_number_of(target.filename().string(), profile.filename().string());
}

int fail(protocol::FailureKind kind, const std::string& message, int exit_code) {
  protocol::JobFailure failure;
  failure.kind = kind;
  failure.message = message;
  say("error: " + message);
  say(failure_marker(failure));
  return exit_code;
}

// What activation needs in a system closure, as nh checks before activating.
std::vector<std::string> missing_system_parts(const fs::path& system) {
  std::vector<std::string> missing;
  for (const auto* part : {"bin/switch-to-configuration", "nixos-version", "init", "sw/bin"}) {
    std::error_code ec;
    if (!fs::exists(system / part, ec)) missing.emplace_back(part);
  }
  return missing;
}

// Claims the point of no return (activation_gate.hpp) right before the profile is repointed or
// the system activated. Returns the exit code to stop with, without changing anything, when a
// cancel came first or the claim cannot be recorded (a cancel could then not be refused later).
std::optional<int> stop_at_activation_gate(const JobFiles& files) {
  try {
    if (claim_activation_gate(files, GateClaim::activate) == GateClaim::activate) return std::nullopt;
    say("cancelled: stopping before the system profile or the running system is changed");
    return job_cancelled;
  } catch (const std::exception& e) {
    return fail(protocol::FailureKind::internal,
                std::string("cannot record that activation begins, so nothing is activated: ") + e.what(),
                job_command_failed);
  }
}

int activate(const fs::path& system, const std::string& mode, const fs::path& work) {
  say(phase_marker(JobPhase::activating));
  const auto result = run_command({(system / "bin" / "switch-to-configuration").string(), mode}, work);
  if (result.exit_code != 0) {
    return fail(protocol::FailureKind::activation,
                "switch-to-configuration " + mode + " exited with code " + std::to_string(result.exit_code),
                job_activation_failed);
  }
  return job_succeeded;
}

// Steps 2 to 4 of a rebuild: check the system, register it (switch, boot), activate it.
int activate_built_system(const JobSpec& spec, const JobFiles& files, const fs::path& system,
                          protocol::RebuildMode mode, const std::string& mode_name) {
  say(phase_marker(JobPhase::checking));
  if (spec.args.system &&
      run_command({"nix-store", "--check-validity", system.string()}, files.work()).exit_code != 0) {
    return fail(protocol::FailureKind::check, system.string() + " is not a valid path of the Nix store",
                job_check_failed);
  }
  if (const auto missing = missing_system_parts(system); !missing.empty()) {
    std::string list;
    for (const auto& part : missing) list += (list.empty() ? "" : ", ") + part;
    return fail(protocol::FailureKind::check, system.string() + " is not a NixOS system: it has no " + list,
                job_check_failed);
  }
  say(system_marker(system.string()));
  say("built " + system.string());
  if (mode == protocol::RebuildMode::build) {
    say(phase_marker(JobPhase::done));
    return job_succeeded;
  }
  if (const auto stop = stop_at_activation_gate(files)) return *stop;
  if (mode == protocol::RebuildMode::switch_ || mode == protocol::RebuildMode::boot) {
    say(phase_marker(JobPhase::registering));
    if (run_command({"nix-env", "-p", spec.profile.string(), "--set", system.string()}, files.work()).exit_code != 0) {
      return fail(protocol::FailureKind::internal, "could not add the new generation to " + spec.profile.string(),
                  job_command_failed);
    }
    if (const auto generation = default_generation(spec.profile)) {
      say("the system profile now boots generation " + std::to_string(*generation));
    }
  }
  if (const int rc = activate(system, mode_name, files.work()); rc != job_succeeded) {
    return rc;
  }
  say(phase_marker(JobPhase::done));
  return job_succeeded;
}

int run_rebuild(const JobSpec& spec, const JobFiles& files) {
  const auto mode = spec.args.mode.value_or(protocol::RebuildMode::switch_);
  const std::string mode_name = protocol::json(mode).get<std::string>();
  say(phase_marker(JobPhase::preparing));
  struct statvfs disk {};
  const std::string store = std::getenv("NIX_STORE_DIR") ? std::getenv("NIX_STORE_DIR") : "/nix/store";
  if (::statvfs(store.c_str(), &disk) == 0) {
    say("free space in " + store + ": " +
        text::format_bytes(static_cast<std::int64_t>(disk.f_bavail) * static_cast<std::int64_t>(disk.f_frsize)));
  }

  if (spec.args.system) {
    return activate_built_system(spec, files, fs::path(*spec.args.system), mode, mode_name);
  }
  say(phase_marker(JobPhase::building));
  std::vector<std::string> argv = {spec.rebuild_command,
                                   mode == protocol::RebuildMode::dry_build ? "dry-build" : "build"};
  if (spec.flake) {
    argv.insert(argv.end(), {"--flake", *spec.flake});
  }
  if (spec.args.upgrade.value_or(false)) {
    argv.emplace_back("--upgrade");
  }
  argv.insert(argv.end(), {"--log-format", "internal-json", "-v"});
  if (const auto built = run_command(argv, files.work()); built.exit_code != 0) {
    say(spec.rebuild_command + " exited with code " + std::to_string(built.exit_code));
    return job_command_failed;
  }
  if (mode == protocol::RebuildMode::dry_build) {
    say(phase_marker(JobPhase::done));
    return job_succeeded;
  }

  std::error_code ec;
  const auto system = fs::canonical(files.work() / "result", ec);
  if (ec) {
    say(phase_marker(JobPhase::checking));
    return fail(protocol::FailureKind::check, "the build left no ./result to activate", job_check_failed);
  }
  return activate_built_system(spec, files, system, mode, mode_name);
}

int run_rollback(const JobSpec& spec, const JobFiles& files) {
  const auto mode = spec.args.mode.value_or(protocol::RebuildMode::switch_);
  const auto before = default_generation(spec.profile);
  if (!spec.rollback_target || !before) {
    return fail(protocol::FailureKind::internal, "no generation to roll back to", job_bad_spec);
  }
  const auto target = std::to_string(*spec.rollback_target);
  if (const auto stop = stop_at_activation_gate(files)) return *stop;
  say(phase_marker(JobPhase::registering));
  if (run_command({"nix-env", "-p", spec.profile.string(), "--switch-generation", target}, files.work()).exit_code !=
      0) {
    return fail(protocol::FailureKind::internal, "could not point the system profile at generation " + target,
                job_command_failed);
  }
  if (mode == protocol::RebuildMode::boot) {
    say("the next start boots generation " + target);
    say(phase_marker(JobPhase::done));
    return job_succeeded;
  }
  const auto link = spec.profile.parent_path() / (spec.profile.filename().string() + "-" + target + "-link");
  std::error_code ec;
  const auto system = fs::canonical(link, ec);
  const int rc =
      ec ? fail(protocol::FailureKind::activation, link.string() + " does not resolve", job_activation_failed)
         : activate(system, "switch", files.work());
  if (rc != job_succeeded) {
    // As nh does: a rollback that cannot activate must not leave the profile pointing at it.
    say(phase_marker(JobPhase::restoring));
    run_command({"nix-env", "-p", spec.profile.string(), "--switch-generation", std::to_string(*before)}, files.work());
    say("the system profile points at generation " + std::to_string(*before) + " again");
    return rc;
  }
  say(phase_marker(JobPhase::done));
  return job_succeeded;
}

int run_gc(const JobSpec& spec, const JobFiles& files) {
  say(phase_marker(JobPhase::deleting));
  const auto scan = scan_profile(spec.profile.parent_path(), spec.profile.filename().string());
  std::vector<int> numbers;
  for (const auto& link : scan.links) numbers.push_back(link.number);
  std::sort(numbers.rbegin(), numbers.rend());  // newest first
  std::vector<std::string> doomed;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const int number = numbers[i];
    const bool kept_by_protection = std::find(spec.protected_generations.begin(), spec.protected_generations.end(),
                                              number) != spec.protected_generations.end();
    bool kept_by_rule = false;
    if (spec.args.keep) {
      kept_by_rule = i < static_cast<std::size_t>(*spec.args.keep);
    } else if (spec.args.older_than_days) {
      const auto link =
          std::find_if(scan.links.begin(), scan.links.end(), [&](const auto& l) { return l.number == number; });
      kept_by_rule = link->created > spec.created - std::int64_t{*spec.args.older_than_days} * 86400;
    }
    if (kept_by_protection && !kept_by_rule) {
      say("keeping generation " + std::to_string(number) + " (default, current, booted or known-good)");
    }
    if (!kept_by_protection && !kept_by_rule) doomed.push_back(std::to_string(number));
  }
  if (doomed.empty()) {
    say("no generation to delete");
  } else {
    std::vector<std::string> argv = {"nix-env", "-p", spec.profile.string(), "--delete-generations"};
    argv.insert(argv.end(), doomed.begin(), doomed.end());
    if (run_command(argv, files.work()).exit_code != 0) {
      return fail(protocol::FailureKind::internal, "nix-env could not delete old generations", job_command_failed);
    }
  }
  say(phase_marker(JobPhase::collecting));
  const auto gc = run_command({"nix-store", "--gc"}, files.work(), true);
  if (gc.exit_code != 0) {
    return fail(protocol::FailureKind::internal, "nix-store --gc failed", job_command_failed);
  }
  const std::string freed = gc_summary(gc.output);
  const std::string note =
      "deleted " + std::to_string(doomed.size()) + " generations" + (freed.empty() ? "" : " and " + freed);
  say(note);
  say(result_marker(note));
  say(phase_marker(JobPhase::done));
  return job_succeeded;
}

}  // namespace

int run_job(const fs::path& job_dir) {
  const JobFiles files{job_dir};
  write_file_atomically(files.pid(), std::to_string(::getpid()) + "\n");
  reserve_job_exit_code(files);
  int rc = job_bad_spec;
  try {
    const auto text = read_small_file(files.spec());
    if (!text) throw std::runtime_error("cannot read " + files.spec().string());
    const auto spec = protocol::json::parse(*text).get<JobSpec>();
    std::error_code ec;
    fs::create_directories(files.work(), ec);
    switch (spec.args.kind) {
      case protocol::JobKind::rebuild:
        rc = run_rebuild(spec, files);
        break;
      case protocol::JobKind::rollback:
        rc = run_rollback(spec, files);
        break;
      case protocol::JobKind::gc:
        rc = run_gc(spec, files);
        break;
      case protocol::JobKind::unknown:
        rc = fail(protocol::FailureKind::internal, "unknown job kind", job_bad_spec);
        break;
    }
  } catch (const std::exception& e) {
    rc = fail(protocol::FailureKind::internal, std::string("the job could not run: ") + e.what(), job_bad_spec);
  }
  record_job_exit_code(files, rc);
  return rc;
}

}  // namespace nixtray::agent
