#include "ctl/ctl_program.hpp"

#include "core/command_distro_control.hpp"
#include "core/local_distro_control.hpp"
#include "nixtray/version.hpp"

#include <iostream>

namespace nixtray::ctl {

cli::Program nixtrayctl_program() {
  cli::Program program;
  program.name = "nixtrayctl";
  program.summary = "The nixtray tray's logic from the command line: the state of a NixOS distro and its agent.";
  program.global_options = {
      {"agent", "ADDRESS", "the agent: unix:PATH, tcp:HOST:PORT or exec:COMMAND [ARGS...] [default: from the settings]"},
      {"token-file", "PATH", "the agent's token, for tcp: [default: from the settings]"},
      {"config", "FILE", "the settings file [default: " + tray::SettingsFile::default_path().string() + "]"},
      {"distro-control", "KIND", "how to start and stop the distro: command or local [default: from the settings]"},
      {"start", "CMD", "with --distro-control command: the command that starts the distro"},
      {"stop", "CMD", "with --distro-control command: the command that shuts it down"},
      {"is-running", "CMD", "with --distro-control command: exits 0 when the distro runs"},
      {"exec-as-root", "CMD", "with --distro-control command: a prefix that runs an argv inside the distro as root"},
      {"timeout", "SECONDS", "how long to wait for the agent [default: 30]"},
      {"version", "", "print the version"},
  };
  program.commands = {
      {"status", "", "the distro at a glance: the tray's state, systemd, generations, failed units, the running job",
       {{"json", "", "print JSON instead of text"}}, 0, 0,
       "CMD values are split on whitespace, double quotes group; no shell is involved."},
  };
  program.footer =
      "Exit codes: 0 the agent answered; 1 the request failed; 2 the agent could not be reached (the output says\n"
      "why: the distro is stopped, nothing listens, the token was rejected, ...); 64 usage error.\n";
  return program;
}

namespace {

const std::vector<std::string> command_control_options = {"start", "stop", "is-running", "exec-as-root"};

std::shared_ptr<tray::DistroControl> make_control(const cli::ParsedCommandLine& args, const tray::TraySettings& settings) {
  const auto kind = args.value_or("distro-control", tray::effective_distro_control_kind(settings));
  const bool from_command_line = args.has("distro-control");
  if (kind != "command") {
    for (const auto& option : command_control_options) {
      if (args.has(option)) {
        throw cli::UsageError("--" + option + " needs --distro-control command");
      }
    }
  }
  if (kind == "command") {
    const auto& saved = settings.distro_control;
    const auto pick = [&](const std::string& option, const std::string& fallback) {
      return from_command_line ? args.value_or(option, "") : args.value_or(option, fallback);
    };
    try {
      auto commands = tray::parse_distro_commands(pick("start", saved.start), pick("stop", saved.stop),
                                                  pick("is-running", saved.is_running),
                                                  pick("exec-as-root", saved.exec_as_root), saved.terminal);
      return std::make_shared<tray::CommandDistroControl>(std::move(commands));
    } catch (const std::invalid_argument& e) {
      throw cli::UsageError(e.what());
    }
  }
  if (kind == "local") {
    return std::make_shared<tray::LocalDistroControl>();
  }
  if (kind == "wsl") {
    throw cli::UsageError("--distro-control wsl is available in the Windows build only");
  }
  throw cli::UsageError("--distro-control must be command or local, not \"" + kind + "\"");
}

}  // namespace

CtlSetup make_setup(const cli::ParsedCommandLine& args) {
  CtlSetup setup;
  if (const auto config = args.value("config")) {
    setup.settings_file = tray::SettingsFile(*config);
  }
  auto loaded = setup.settings_file.load();
  setup.settings = std::move(loaded.settings);
  setup.warnings = std::move(loaded.warnings);
  if (const auto agent = args.value("agent")) {
    setup.settings.agent = *agent;
  }
  if (const auto token = args.value("token-file")) {
    setup.settings.token_file = *token;
  }
  try {
    setup.link.endpoint = tray::effective_endpoint(setup.settings);
  } catch (const std::invalid_argument& e) {
    throw cli::UsageError(e.what());
  }
  if (setup.settings.token_file) {
    setup.link.token_file = *setup.settings.token_file;
  }
  setup.link.connect_starts_distro = tray::effective_connect_starts_distro(setup.settings);
  setup.link.client = std::string("nixtrayctl/") + nixtray::version;
  setup.link.reconnect = false;
  if (const auto seconds = args.integer("timeout", 1, 24 * 3600)) {
    setup.timeout = std::chrono::seconds(*seconds);
  }
  setup.link.connect_timeout = setup.timeout;
  setup.link.call_timeout = setup.timeout;
  setup.control = make_control(args, setup.settings);
  return setup;
}

int run_nixtrayctl(const std::vector<std::string>& args) {
  const auto program = nixtrayctl_program();
  try {
    const auto parsed = cli::parse(program, args);
    if (parsed.has("version")) {
      std::cout << "nixtrayctl " << nixtray::version << "\n";
      return exit_ok;
    }
    if (parsed.help || parsed.command.empty()) {
      const auto* command = cli::find_command(program, parsed.command);
      std::cout << (command ? cli::command_help(program, *command) : cli::program_help(program));
      return parsed.help ? exit_ok : exit_usage;
    }
    auto setup = make_setup(parsed);
    for (const auto& warning : setup.warnings) {
      std::cerr << "nixtrayctl: warning: " << warning << "\n";
    }
    if (parsed.command == "status") {
      return run_status(parsed, setup);
    }
    throw cli::UsageError("unknown command " + parsed.command);
  } catch (const cli::UsageError& e) {
    std::cerr << "nixtrayctl: " << e.what() << "\n";
    return exit_usage;
  } catch (const CommandFailure& e) {
    std::cerr << "nixtrayctl: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "nixtrayctl: " << e.what() << "\n";
    return exit_failed;
  }
}

}  // namespace nixtray::ctl
