// nixtrayctl: the tray's logic without the GUI, for scripts and tests. Its options are a contract:
// the session's (--agent, --token-file, --config, --distro-control command --start CMD --stop CMD
// --is-running CMD --exec-as-root CMD, ...: core/session_setup.hpp) and --timeout; commands
// status, start, stop, verify-boot, rollback N, rebuild, update, space, gc, install-nixos, targets,
// add-target NAME, remove-target NAME, discover, try-on-copy, with verify-boot's exit
// codes (ctl/verify_commands.cpp). Each run parses its command line, makes one TraySession from
// it, runs the command on it and prints the result.
#pragma once

#include "core/tray_session.hpp"

#include "nixtray/cli/command_failure.hpp"
#include "nixtray/cli/command_line.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::ctl {

enum ExitCode : int {
  exit_ok = 0,
  exit_failed = 1,
  exit_unreachable = 2,  // the agent could not be reached (the output says why: stopped, refused, ...)
  exit_usage = 64,
};

// Ends a command with a message and one of the exit codes above.
using cli::CommandFailure;

// What every command gets: the session on its io_context, and how long to wait (--timeout).
struct CommandContext {
  net::asio::io_context& io;
  tray::TraySession& session;
  std::chrono::milliseconds timeout;

  // Runs a coroutine on the session's io_context until it is done; rethrows what it threw.
  template <class T>
  T run(net::asio::awaitable<T> work) {
    std::optional<T> result;
    std::exception_ptr error;
    net::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
      if (e)
        error = e;
      else
        result.emplace(std::move(value));
    });
    io.restart();
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
};

// Starts a job and follows it to its end as nixtrayctl's commands do: each phase it enters is a
// line on stderr ("nixtrayctl: job 17: building"), the job's own log stays in the agent.
net::asio::awaitable<tray::ActionResult<protocol::Job>> follow_job_to_end(std::shared_ptr<tray::AgentConnection> agent,
                                                                          protocol::JobStartParams params);

// "rebuild (job 17): failed: <the job's summary>": how a followed job ended, for people. `what`
// is one of core's fixed phrases ("rebuild", "switch", "garbage collection").
std::string job_outcome_line(std::string_view what, const protocol::Job& job);
// What a switch or boot without boot verification leaves: an unverified generation, until
// `nixtrayctl verify-boot` passes.
std::string unverified_note();

// The session's profile directory, which a rescue from outside needs absolute (a UsageError).
std::string distro_profile_dir(const CommandContext& context);

cli::Program nixtrayctl_program();

int run_status(const cli::ParsedCommandLine& args, CommandContext& context);
int run_start(const cli::ParsedCommandLine& args, CommandContext& context);
int run_stop(const cli::ParsedCommandLine& args, CommandContext& context);
int run_verify_boot(const cli::ParsedCommandLine& args, CommandContext& context);
int run_install_nixos(const cli::ParsedCommandLine& args, CommandContext& context);
int run_rollback(const cli::ParsedCommandLine& args, CommandContext& context);
int run_rebuild(const cli::ParsedCommandLine& args, CommandContext& context);
int run_update(const cli::ParsedCommandLine& args, CommandContext& context);
// verify-boot's check and report (--timeout, --no-rollback, --json), after `rebuild` when given.
int run_boot_check(const cli::ParsedCommandLine& args, CommandContext& context,
                   std::optional<tray::RebuildRequest> rebuild);
int run_space(const cli::ParsedCommandLine& args, CommandContext& context);
int run_gc(const cli::ParsedCommandLine& args, CommandContext& context);

// The settings' targets: these need no session (targets makes one per target itself).
int run_targets(const cli::ParsedCommandLine& args, const std::filesystem::path& file, const tray::SessionUse& use);
int run_add_target(const cli::ParsedCommandLine& args, const tray::SessionFlags& flags, const tray::SessionUse& use);
int run_remove_target(const cli::ParsedCommandLine& args, const tray::SessionFlags& flags);
int run_discover(const cli::ParsedCommandLine& args, const tray::SessionFlags& flags);

// A rebuild and boot verification on a throw-away copy of the distro (it makes its own session).
int run_try_on_copy(const cli::ParsedCommandLine& args, const tray::SessionSetup& setup);

int run_nixtrayctl(const std::vector<std::string>& args);

}  // namespace nixtray::ctl
