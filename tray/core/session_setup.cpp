#include "core/session_setup.hpp"

#include "core/distro/command_distro_control.hpp"
#include "core/distro/local_distro_control.hpp"
#include "core/distro/wsl_distro_control.hpp"
#include "core/verify/rescue_command.hpp"

#include <stdexcept>

namespace nixtray::tray {

namespace {

std::shared_ptr<DistroControl> make_control(const SessionFlags& flags, const TraySettings& settings) {
  const auto kind = flags.distro_control.value_or(effective_distro_control_kind(settings));
  const std::pair<const char*, const std::optional<std::string>*> command_options[] = {
      {"start", &flags.start},
      {"stop", &flags.stop},
      {"is-running", &flags.is_running},
      {"exec-as-root", &flags.exec_as_root},
      {"console", &flags.console}};
  if (kind != "command") {
    for (const auto& [name, value] : command_options) {
      if (*value) throw cli::UsageError("--" + std::string(name) + " needs --distro-control command");
    }
  }
  if (kind != "wsl") {
    if (flags.wsl) throw cli::UsageError("--wsl needs --distro-control wsl");
    if (flags.through_login_shell) throw cli::UsageError("--through-login-shell needs --distro-control wsl");
  }
  if (kind == "command") {
    // Commands from the command line replace the saved ones, all of them: a --distro-control command
    // given there is complete without the settings'.
    const auto& saved = settings.distro_control;
    const bool from_command_line = flags.distro_control.has_value();
    const auto pick = [&](const std::optional<std::string>& flag, const std::string& fallback) {
      return flag.value_or(from_command_line ? std::string() : fallback);
    };
    try {
      auto commands = parse_distro_commands(
          pick(flags.start, saved.start), pick(flags.stop, saved.stop), pick(flags.is_running, saved.is_running),
          pick(flags.exec_as_root, saved.exec_as_root), saved.terminal, pick(flags.console, saved.console));
      return std::make_shared<CommandDistroControl>(std::move(commands));
    } catch (const std::invalid_argument& e) {
      throw cli::UsageError(e.what());
    }
  }
  if (kind == "local") {
    return std::make_shared<LocalDistroControl>();
  }
  if (kind == "wsl") {
    return std::make_shared<WslDistroControl>(
        wsl_control_options(settings, flags.wsl.value_or(""), flags.through_login_shell));
  }
  throw cli::UsageError("--distro-control must be wsl, command or local, not \"" + kind + "\"");
}

}  // namespace

std::vector<cli::Option> session_options() {
  return {
      {"agent", "ADDRESS",
       "the agent: unix:PATH, tcp:HOST:PORT or exec:COMMAND [ARGS...] [default: from the settings]"},
      {"token-file", "PATH", "the agent's token, for tcp: [default: from the settings]"},
      {"config", "FILE", "the settings file [default: " + SettingsFile::default_path().string() + "]"},
      {"target", "NAME",
       "which of the settings' targets (distros and hosts): nixtrayctl targets lists them [default: the "
       "settings' default target]"},
      {"distro-control", "KIND",
       "how to start and stop the distro: wsl, command or local [default: from the settings; "
       "wsl on Windows, local elsewhere]"},
      {"distro", "NAME", "the WSL distro [default: from the settings, else NixOS]"},
      {"wsl", "PATH",
       "with --distro-control wsl: the wsl.exe to run [default: the settings', else $NIXTRAY_WSL_EXE, "
       "else wsl.exe]"},
      {"through-login-shell", "",
       "with --distro-control wsl: run commands through the distro's login shell "
       "(2020-era NixOS-WSL images with syschdemd)"},
      {"start", "CMD", "with --distro-control command: the command that starts the distro"},
      {"stop", "CMD", "with --distro-control command: the command that shuts it down"},
      {"is-running", "CMD", "with --distro-control command: exits 0 when the distro runs"},
      {"exec-as-root", "CMD", "with --distro-control command: a prefix that runs an argv inside the distro as root"},
      {"console", "CMD",
       "with --distro-control command: a prefix that runs an argv as the distro's default user through their "
       "login shell (as wsl.exe -d DISTRO -- ARGV does)"},
      {"profile-dir", "DIR",
       "the system profile's directory inside the distro, for a rescue from outside "
       "[default: from the settings, else /nix/var/nix/profiles]"},
  };
}

SessionFlags session_flags(const cli::ParsedCommandLine& parsed) {
  SessionFlags flags;
  if (const auto config = parsed.value("config")) flags.config = std::filesystem::path(*config);
  flags.target = parsed.value("target");
  flags.distro = parsed.value("distro");
  flags.agent = parsed.value("agent");
  flags.token_file = parsed.value("token-file");
  flags.distro_control = parsed.value("distro-control");
  flags.wsl = parsed.value("wsl");
  flags.through_login_shell = parsed.has("through-login-shell");
  flags.start = parsed.value("start");
  flags.stop = parsed.value("stop");
  flags.is_running = parsed.value("is-running");
  flags.exec_as_root = parsed.value("exec-as-root");
  flags.console = parsed.value("console");
  flags.profile_dir = parsed.value("profile-dir");
  return flags;
}

SessionSetup make_session_setup(SessionFlags flags, SessionUse use, std::optional<TraySettings> settings) {
  SessionSetup setup;
  // The one place the settings file is chosen.
  setup.settings_file = SettingsFile(flags.config.value_or(SettingsFile::default_path()));
  if (settings) {
    setup.settings = std::move(*settings);
  } else {
    auto loaded = setup.settings_file.load();
    setup.warnings = std::move(loaded.warnings);
    if (!flags.target) {
      setup.settings = std::move(loaded.settings);
    } else if (const auto* target = loaded.document.find(*flags.target)) {
      setup.settings = *target;
    } else {
      throw cli::UsageError("--target: there is no target \"" + *flags.target + "\" in " +
                            setup.settings_file.path().string() + "; its targets are " + loaded.document.names());
    }
  }
  // The command line's overrides: used, never saved.
  auto effective = setup.settings;
  if (flags.distro) effective.distro = *flags.distro;
  if (flags.agent) effective.agent = *flags.agent;
  if (flags.token_file) effective.token_file = *flags.token_file;
  setup.distro = effective.distro;
  try {
    setup.link.endpoint = effective_endpoint(effective);
  } catch (const std::invalid_argument& e) {
    throw cli::UsageError(e.what());
  }
  setup.link.token_file = effective_token_file(effective);
  setup.link.fetch_missing_token = effective_fetch_missing_token(effective);
  setup.link.connect_starts_distro = effective_connect_starts_distro(effective);
  setup.link.client = use.client;
  setup.link.reconnect = use.reconnect;
  setup.link.connect_timeout = use.connect_timeout;
  setup.link.call_timeout = use.call_timeout;
  setup.control = make_control(flags, effective);
  if (flags.profile_dir && (flags.profile_dir->empty() || flags.profile_dir->front() != '/')) {
    throw cli::UsageError("--profile-dir must be an absolute path inside the distro, not \"" + *flags.profile_dir +
                          "\"");
  }
  setup.profile_dir = flags.profile_dir.value_or(effective.verify.profile_dir.value_or(default_distro_profile_dir));
  setup.flags = std::move(flags);
  setup.use = std::move(use);
  return setup;
}

bool overrides_connection(const SessionFlags& flags) {
  return flags.agent || flags.token_file || flags.distro_control || flags.start || flags.stop || flags.is_running ||
         flags.exec_as_root || flags.console;
}

bool same_connection(const TraySettings& a, const TraySettings& b) {
  const auto& ca = a.distro_control;
  const auto& cb = b.distro_control;
  return a.distro == b.distro && a.agent == b.agent && a.token_file == b.token_file &&
         a.connect_starts_distro == b.connect_starts_distro && ca.kind == cb.kind && ca.start == cb.start &&
         ca.stop == cb.stop && ca.is_running == cb.is_running && ca.exec_as_root == cb.exec_as_root &&
         ca.terminal == cb.terminal && ca.console == cb.console;
}

}  // namespace nixtray::tray
