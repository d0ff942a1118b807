// nixtrayctl: the tray's logic without the GUI, for scripts and tests. Its options are a contract
// (the verify-boot issue extends the commands): --agent, --token-file, --config, and
// --distro-control command --start CMD --stop CMD --is-running CMD --exec-as-root CMD.
#pragma once

#include "core/agent_link.hpp"
#include "core/distro_control.hpp"
#include "core/settings_file.hpp"
#include "nixtray/cli/command_line.hpp"

#include <memory>
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

cli::Program nixtrayctl_program();
// Throws cli::UsageError for bad options.
CtlSetup make_setup(const cli::ParsedCommandLine& args);

int run_status(const cli::ParsedCommandLine& args, CtlSetup& setup);

int run_nixtrayctl(const std::vector<std::string>& args);

}  // namespace nixtray::ctl
