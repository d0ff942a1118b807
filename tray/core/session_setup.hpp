// How a front end's input becomes a running tray's set-up, in one place for nixtray and
// nixtrayctl: which settings file (--config, else the user's config folder), what it holds, the
// command line's overrides (never saved), the agent link's options and the distro control.
//
//   auto parsed = cli::parse(program, argv);      // program.global_options = session_options() + its own
//   auto setup = make_session_setup(session_flags(parsed), SessionUse{...});
//   auto session = TraySession::create(executor, std::move(setup), callbacks);
#pragma once

#include "core/distro/distro_control.hpp"
#include "core/link/agent_link.hpp"
#include "core/settings/settings_file.hpp"

#include "nixtray/cli/command_line.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

// The options both front ends take to say which distro and agent and how to control the distro:
// --config, --target, --agent, --token-file, --distro, --distro-control (with --wsl, --through-login-shell,
// --start, --stop, --is-running, --exec-as-root, --console) and --profile-dir. A contract: tests, login
// entries and people's scripts pass them.
std::vector<cli::Option> session_options();

// Those options as given (unset: not on the command line).
struct SessionFlags {
  std::optional<std::filesystem::path> config;
  std::optional<std::string> target;
  std::optional<std::string> distro;
  std::optional<std::string> agent;
  std::optional<std::string> token_file;
  std::optional<std::string> distro_control;
  std::optional<std::string> wsl;
  bool through_login_shell = false;
  std::optional<std::string> start;
  std::optional<std::string> stop;
  std::optional<std::string> is_running;
  std::optional<std::string> exec_as_root;
  std::optional<std::string> console;
  std::optional<std::string> profile_dir;
};

SessionFlags session_flags(const cli::ParsedCommandLine& parsed);

// How the front end uses the agent link: the tray keeps it and reconnects; nixtrayctl opens it
// for one command, with its --timeout.
struct SessionUse {
  std::string client;  // "nixtray/<version>", for the agent's log
  bool reconnect = true;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds call_timeout{30'000};
};

struct SessionSetup {
  SettingsFile settings_file{std::filesystem::path()};  // chosen by make_session_setup
  TraySettings settings;  // the target's, as saved: what the session keeps and writes back, never an override
  std::string distro;     // the distro the session is for: --distro, else the settings'
  std::vector<std::string> warnings;  // from reading the settings file
  AgentLinkOptions link;
  std::shared_ptr<DistroControl> control;
  // The system profile's directory inside the distro, for rescues from outside: --profile-dir,
  // else the settings', else /nix/var/nix/profiles.
  std::string profile_dir;
  // What it was made from, so that edited settings make the next session the same way.
  SessionFlags flags;
  SessionUse use;
};

// Reads the settings file (a corrupt one is moved aside: a warning) and takes the target --target
// names (else the file's default target) unless `settings` are given (the Settings window's
// edit), applies the flags and builds the link's options and the distro
// control. Throws cli::UsageError for flags or settings that cannot work, with what to change.
SessionSetup make_session_setup(SessionFlags flags, SessionUse use, std::optional<TraySettings> settings = {});

// Whether the flags choose the connection themselves (--agent, --token-file, --distro-control and
// its commands): then a connection edited in the Settings window waits for a start without them.
bool overrides_connection(const SessionFlags& flags);

// Whether two settings reach the same agent the same way: otherwise a new session is needed.
bool same_connection(const TraySettings& a, const TraySettings& b);

}  // namespace nixtray::tray
