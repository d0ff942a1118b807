// nixtrayctl: the tray's logic without the GUI, for scripts and tests. Its options are a contract:
// --agent, --token-file, --config, and --distro-control command --start CMD --stop CMD
// --is-running CMD --exec-as-root CMD; commands status, start, stop, verify-boot, rollback N,
// rebuild, with verify-boot's exit codes (ctl/verify_commands.cpp).
#pragma once

#include "core/agent_connection.hpp"
#include "core/agent_link.hpp"
#include "core/distro/distro_control.hpp"
#include "core/settings/settings_file.hpp"
#include "nixtray/cli/command_line.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace nixtray::ctl {

enum ExitCode : int {
  exit_ok = 0,
  exit_failed = 1,
  exit_unreachable = 2,  // the agent could not be reached (the output says why: stopped, refused, ...)
  exit_usage = 64,
};

// Ends a command with a message and an exit code.
class CommandFailure : public std::runtime_error {
 public:
  CommandFailure(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
  [[nodiscard]] int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// What every command needs: the settings, with the command line's overrides applied, the link
// options, and the distro control.
struct CtlSetup {
  tray::SettingsFile settings_file{tray::SettingsFile::default_path()};
  tray::TraySettings settings;
  std::vector<std::string> warnings;
  tray::AgentLinkOptions link;
  std::shared_ptr<tray::DistroControl> control;
  std::chrono::milliseconds timeout{30'000};
};

// The agent connection that one-shot commands and verify-boot open (the link's transport).
tray::AgentConnectionOptions connection_options(const CtlSetup& setup);

// The system profile's directory inside the distro (--profile-dir, the settings, the default),
// for rescues from outside; absolute or a UsageError.
std::filesystem::path distro_profile_dir(const cli::ParsedCommandLine& args, const CtlSetup& setup);

// Runs a command's coroutine on a fresh io_context until it is done; rethrows what it threw.
template <class T>
T run_to_end(net::asio::awaitable<T> work) {
  net::asio::io_context io;
  std::optional<T> result;
  std::exception_ptr error;
  net::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    if (e)
      error = e;
    else
      result.emplace(std::move(value));
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

cli::Program nixtrayctl_program();
// Throws cli::UsageError for bad options.
CtlSetup make_setup(const cli::ParsedCommandLine& args);

int run_status(const cli::ParsedCommandLine& args, CtlSetup& setup);
int run_start(const cli::ParsedCommandLine& args, CtlSetup& setup);
int run_stop(const cli::ParsedCommandLine& args, CtlSetup& setup);
int run_verify_boot(const cli::ParsedCommandLine& args, CtlSetup& setup);
int run_install_nixos(const cli::ParsedCommandLine& args, CtlSetup& setup);
int run_rollback(const cli::ParsedCommandLine& args, CtlSetup& setup);
int run_rebuild(const cli::ParsedCommandLine& args, CtlSetup& setup);

// What the host remembers about the configured distro, changed in the settings file itself (not
// in setup.settings, which holds this command line's overrides that must not be saved).
void update_distro_record(CtlSetup& setup, const std::function<void(tray::DistroRecord&)>& change);

int run_nixtrayctl(const std::vector<std::string>& args);

}  // namespace nixtray::ctl
