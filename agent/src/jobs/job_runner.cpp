#include "jobs/job_runner.hpp"

#include "jobs/activation_gate.hpp"
#include "jobs/dry_activation_output.hpp"
#include "jobs/flake_checkout.hpp"
#include "jobs/flake_update_step.hpp"
#include "jobs/gc_job.hpp"
#include "jobs/job_exit_code.hpp"
#include "jobs/job_files.hpp"
#include "jobs/job_markers.hpp"
#include "jobs/login_environment.hpp"
#include "jobs/runner_command.hpp"
#include "state/profile_scan.hpp"
#include "support/atomic_file.hpp"

#include "nixtray/protocol/wire_name.hpp"
#include "nixtray/text/byte_size.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <vector>

namespace nixtray::agent {

namespace fs = std::filesystem;
using protocol::JobPhase;

namespace {

std::optional<int> default_generation(const fs::path& profile) {
  std::error_code ec;
  const auto target = fs::read_symlink(profile, ec);
  if (ec) return std::nullopt;
  return generation_number_of(target.filename().string(), profile.filename().string());
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
    say_in_log("cancelled: stopping before the system profile or the running system is changed");
    return job_cancelled;
  } catch (const std::exception& e) {
    return fail_job(protocol::FailureKind::internal,
                    std::string("cannot record that activation begins, so nothing is activated: ") + e.what(),
                    job_command_failed);
  }
}

int activate(const fs::path& system, const std::string& mode, const fs::path& work) {
  say_in_log(phase_marker(JobPhase::activating));
  const auto result = run_command({(system / "bin" / "switch-to-configuration").string(), mode}, work);
  if (result.exit_code != 0) {
    return fail_job(protocol::FailureKind::activation,
                    "switch-to-configuration " + mode + " exited with code " + std::to_string(result.exit_code),
                    job_activation_failed);
  }
  return job_succeeded;
}

// What activating the system would do, without doing it: nothing is repointed or activated, so
// there is no point of no return (no activation gate) and a cancel simply stops it.
int preview_activation(const fs::path& system, const fs::path& work) {
  say_in_log(phase_marker(JobPhase::previewing));
  const auto result = run_command({(system / "bin" / "switch-to-configuration").string(), "dry-activate"}, work,
                                  {.capture_tail = true});
  if (result.exit_code != 0) {
    return fail_job(protocol::FailureKind::activation,
                    "switch-to-configuration dry-activate exited with code " + std::to_string(result.exit_code),
                    job_activation_failed);
  }
  // Its own lines are in the log above; the marker hands the parsed lists to the agent.
  const auto preview = parse_dry_activation(result.output);
  say_in_log(dry_activation_marker(preview));
  const auto affected = preview.stop.size() + preview.restart.size() + preview.reload.size() + preview.start.size();
  say_in_log(affected == 0 && !preview.restart_systemd
                 ? std::string("activating it would stop, restart, reload or start no unit")
                 : "activating it would stop " + std::to_string(preview.stop.size()) + ", restart " +
                       std::to_string(preview.restart.size()) + ", reload " + std::to_string(preview.reload.size()) +
                       " and start " + std::to_string(preview.start.size()) + " units" +
                       (preview.restart_systemd ? ", and restart systemd" : ""));
  say_in_log(phase_marker(JobPhase::done));
  return job_succeeded;
}

// How long root's login shell may take to say what it exports (it only sources start-up files).
constexpr std::chrono::seconds login_shell_timeout{15};

// The build command's environment as a console has it (login_environment.hpp) and, for a flake in
// someone else's git checkout, git's consent to read it (flake_checkout.hpp). Said in the log, so
// a person sees which NIX_PATH and which checkout the build used.
CommandOptions build_environment(const JobSpec& spec) {
  CommandOptions options;
  const auto login = read_login_environment(login_shell_timeout);
  if (login.environment) {
    options.extra_environment = login.environment->set;
    say_in_log("environment from root's login shell (" + login.shell +
               "):" + (login.environment->set.empty() ? std::string(" no Nix settings") : std::string()));
    for (const auto& variable : login.environment->set) {
      // Where the configuration comes from is shown; the others only by name (NIX_CONFIG may hold
      // access-tokens).
      const auto name = variable.substr(0, variable.find('='));
      say_in_log("  " + (name == "NIX_PATH" || name == "NIXOS_CONFIG" ? variable : name + " is set"));
    }
  } else {
    // A broken login shell is what a rebuild may be run to repair: go on without it.
    say_in_log("warning: " + login.problem + "; building with the agent's environment (NIX_PATH as the " +
               "agent's service has it)");
  }
  if (spec.flake) {
    if (const auto checkout = foreign_git_checkout(*spec.flake, ::geteuid())) {
      const auto safe = safe_directory_environment(*checkout);
      options.extra_environment.insert(options.extra_environment.end(), safe.begin(), safe.end());
      say_in_log("the flake's git checkout " + checkout->string() +
                 " belongs to another user: git may read it for this build (safe.directory for it only)");
    }
  }
  return options;
}

// Steps 2 to 4 of a rebuild: check the system, register it (switch, boot), activate it.
int activate_built_system(const JobSpec& spec, const JobFiles& files, const fs::path& system,
                          protocol::RebuildMode mode, const std::string& mode_name) {
  say_in_log(phase_marker(JobPhase::checking));
  if (spec.args.system &&
      run_command({"nix-store", "--check-validity", system.string()}, files.work()).exit_code != 0) {
    return fail_job(protocol::FailureKind::check, system.string() + " is not a valid path of the Nix store",
                    job_check_failed);
  }
  if (const auto missing = missing_system_parts(system); !missing.empty()) {
    std::string list;
    for (const auto& part : missing) list += (list.empty() ? "" : ", ") + part;
    return fail_job(protocol::FailureKind::check, system.string() + " is not a NixOS system: it has no " + list,
                    job_check_failed);
  }
  say_in_log(system_marker(system.string()));
  say_in_log("built " + system.string());
  if (mode == protocol::RebuildMode::build) {
    say_in_log(phase_marker(JobPhase::done));
    return job_succeeded;
  }
  if (mode == protocol::RebuildMode::dry_activate) {
    return preview_activation(system, files.work());
  }
  const bool registers = mode == protocol::RebuildMode::switch_ || mode == protocol::RebuildMode::boot;
  if (registers && spec.lock_replacement) {
    if (const auto problem = lock_replacement_problem(*spec.lock_replacement)) {
      return fail_job(protocol::FailureKind::check, *problem, job_check_failed);
    }
  }
  if (const auto stop = stop_at_activation_gate(files)) return *stop;
  if (registers) {
    say_in_log(phase_marker(JobPhase::registering));
    if (run_command({"nix-env", "-p", spec.profile.string(), "--set", system.string()}, files.work()).exit_code != 0) {
      return fail_job(protocol::FailureKind::internal, "could not add the new generation to " + spec.profile.string(),
                      job_command_failed);
    }
    if (const auto generation = default_generation(spec.profile)) {
      say_in_log("the system profile now boots generation " + std::to_string(*generation));
    }
    if (spec.lock_replacement) {
      // The profile now boots the updated inputs, so the configuration says so too.
      try {
        replace_lock(*spec.lock_replacement);
        say_in_log("wrote the updated lock to " + spec.lock_replacement->target.string());
        say_in_log(lock_written_marker(spec.lock_replacement->target.string()));
      } catch (const std::exception& e) {
        say_in_log(std::string("warning: ") + e.what() + "; the system is registered, the lock is not updated");
      }
    }
  }
  if (const int rc = activate(system, mode_name, files.work()); rc != job_succeeded) {
    return rc;
  }
  say_in_log(phase_marker(JobPhase::done));
  return job_succeeded;
}

int run_rebuild(const JobSpec& spec, const JobFiles& files) {
  const auto mode = spec.args.mode.value_or(protocol::RebuildMode::switch_);
  const std::string mode_name = protocol::wire_name(mode);
  say_in_log(phase_marker(JobPhase::preparing));
  struct statvfs disk {};
  const std::string store = std::getenv("NIX_STORE_DIR") ? std::getenv("NIX_STORE_DIR") : "/nix/store";
  if (::statvfs(store.c_str(), &disk) == 0) {
    say_in_log("free space in " + store + ": " +
               text::format_bytes(static_cast<std::int64_t>(disk.f_bavail) * static_cast<std::int64_t>(disk.f_frsize)));
  }

  if (spec.args.system) {
    return activate_built_system(spec, files, fs::path(*spec.args.system), mode, mode_name);
  }
  const auto environment = build_environment(spec);
  auto flake = spec.flake;
  if (spec.args.update.value_or(false) && flake) {
    auto updated = update_flake_in_copy(*flake, files, environment);
    if (const auto* rc = std::get_if<int>(&updated)) return *rc;
    flake = std::get<std::string>(updated);
  }
  say_in_log(phase_marker(JobPhase::building));
  std::vector<std::string> argv = {spec.rebuild_command,
                                   mode == protocol::RebuildMode::dry_build ? "dry-build" : "build"};
  if (flake) {
    argv.insert(argv.end(), {"--flake", *flake});
  }
  if (spec.args.upgrade.value_or(false)) {
    argv.emplace_back("--upgrade");
  }
  argv.insert(argv.end(), {"--log-format", "internal-json", "-v"});
  if (const auto built = run_command(argv, files.work(), environment); built.exit_code != 0) {
    say_in_log(spec.rebuild_command + " exited with code " + std::to_string(built.exit_code));
    if (spec.args.update.value_or(false)) remove_flake_copy(files);
    return job_command_failed;
  }
  if (mode == protocol::RebuildMode::dry_build) {
    if (spec.args.update.value_or(false) && spec.flake) report_moved_inputs(*spec.flake, files);
    say_in_log(phase_marker(JobPhase::done));
    return job_succeeded;
  }

  std::error_code ec;
  const auto system = fs::canonical(files.work() / "result", ec);
  if (ec) {
    say_in_log(phase_marker(JobPhase::checking));
    if (spec.args.update.value_or(false)) remove_flake_copy(files);
    return fail_job(protocol::FailureKind::check, "the build left no ./result to activate", job_check_failed);
  }
  if (spec.args.update.value_or(false) && spec.flake) report_moved_inputs(*spec.flake, files);
  return activate_built_system(spec, files, system, mode, mode_name);
}

int run_rollback(const JobSpec& spec, const JobFiles& files) {
  const auto mode = spec.args.mode.value_or(protocol::RebuildMode::switch_);
  const auto before = default_generation(spec.profile);
  if (!spec.rollback_target || !before) {
    return fail_job(protocol::FailureKind::internal, "no generation to roll back to", job_bad_spec);
  }
  const auto target = std::to_string(*spec.rollback_target);
  if (const auto stop = stop_at_activation_gate(files)) return *stop;
  say_in_log(phase_marker(JobPhase::registering));
  if (run_command({"nix-env", "-p", spec.profile.string(), "--switch-generation", target}, files.work()).exit_code !=
      0) {
    return fail_job(protocol::FailureKind::internal, "could not point the system profile at generation " + target,
                    job_command_failed);
  }
  if (mode == protocol::RebuildMode::boot) {
    say_in_log("the next start boots generation " + target);
    say_in_log(phase_marker(JobPhase::done));
    return job_succeeded;
  }
  const auto link = spec.profile.parent_path() / (spec.profile.filename().string() + "-" + target + "-link");
  std::error_code ec;
  const auto system = fs::canonical(link, ec);
  const int rc =
      ec ? fail_job(protocol::FailureKind::activation, link.string() + " does not resolve", job_activation_failed)
         : activate(system, "switch", files.work());
  if (rc != job_succeeded) {
    // As nh does: a rollback that cannot activate must not leave the profile pointing at it.
    say_in_log(phase_marker(JobPhase::restoring));
    run_command({"nix-env", "-p", spec.profile.string(), "--switch-generation", std::to_string(*before)}, files.work());
    say_in_log("the system profile points at generation " + std::to_string(*before) + " again");
    return rc;
  }
  say_in_log(phase_marker(JobPhase::done));
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
        rc = run_gc_job(spec, files);
        break;
      case protocol::JobKind::unknown:
        rc = fail_job(protocol::FailureKind::internal, "unknown job kind", job_bad_spec);
        break;
    }
  } catch (const std::exception& e) {
    rc = fail_job(protocol::FailureKind::internal, std::string("the job could not run: ") + e.what(), job_bad_spec);
  }
  record_job_exit_code(files, rc);
  return rc;
}

}  // namespace nixtray::agent
