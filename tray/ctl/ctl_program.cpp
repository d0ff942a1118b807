#include "ctl/ctl_program.hpp"

#include "core/distro/command_distro_control.hpp"
#include "core/distro/local_distro_control.hpp"
#include "core/distro/wsl_distro_control.hpp"
#include "core/verify/verify_report.hpp"
#include "nixtray/version.hpp"

#include <algorithm>
#include <iostream>
#include <map>

namespace nixtray::ctl {

cli::Program nixtrayctl_program() {
  cli::Program program;
  program.name = "nixtrayctl";
  program.summary = "The nixtray tray's logic from the command line: the state of a NixOS distro and its agent.";
  program.global_options = {
      {"agent", "ADDRESS",
       "the agent: unix:PATH, tcp:HOST:PORT or exec:COMMAND [ARGS...] [default: from the settings]"},
      {"token-file", "PATH", "the agent's token, for tcp: [default: from the settings]"},
      {"config", "FILE", "the settings file [default: " + tray::SettingsFile::default_path().string() + "]"},
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
      {"timeout", "SECONDS", "how long to wait for the agent [default: 30; verify-boot: the settings' boot timeout]"},
      {"profile-dir", "DIR",
       "the system profile's directory inside the distro, for a rescue from outside "
       "[default: from the settings, else /nix/var/nix/profiles]"},
      {"version", "", "print the version"},
  };
  const cli::Option json_option{"json", "", "print JSON instead of text"};
  const cli::Option no_rollback{"no-rollback", "", "do not roll back a generation that fails to boot"};
  program.commands = {
      {"status",
       "",
       "the distro at a glance: the tray's state, systemd, generations, failed units, the running job",
       {json_option},
       0,
       0,
       "CMD values are split on whitespace, double quotes group; no shell is involved."},
      {"start", "", "start the distro and wait until its agent answers (--timeout)", {}, 0, 0, ""},
      {"stop",
       "",
       "shut the distro down and wait until it has stopped",
       {{"all", "", "with --distro-control wsl: shut down the whole WSL VM, every distro (wsl.exe --shutdown)"}},
       0,
       0,
       ""},
      {"verify-boot",
       "",
       "restart the distro into the generation that boots next and check that it comes up",
       {{"timeout", "S", "seconds to wait for the agent after the restart [default: the settings' boot timeout, 180]"},
        no_rollback,
        json_option},
       0,
       0,
       "Pre-flight (verify.preflight) first: a generation that cannot boot is refused before any restart.\n"
       "Then: stop, start, wait for the agent, booted == expected, the activation report (errors fail;\n"
       "an unreadable report is shown as unknown), systemd running or degraded, failed units. Passed:\n"
       "the generation becomes known-good. Failed: rolled back to the last known-good generation (by the\n"
       "agent's rollback job, or from outside with --exec-as-root and nixtray-agent rescue), restarted and\n"
       "checked again. Unknown (booted, but the activation report could not be read): neither marked\n"
       "known-good nor rolled back.\n"
       "Exit codes: 0 passed (also with failed units, which it names); 1 failed and rolled back to a\n"
       "generation that then booted; 2 failed and could not recover (or the check could not run);\n"
       "3 pre-flight refused (nothing restarted); 5 unknown; 64 usage error. --json prints the steps and\n"
       "results."},
      {"rollback",
       "N",
       "make generation N the system: by the agent's rollback job, or from outside when it "
       "does not answer",
       {{"boot", "", "only for the next start (the default activates it now)"}},
       1,
       1,
       "Without an answering agent, --exec-as-root runs <profile dir>/system-N-link/sw/bin/nixtray-agent\n"
       "rescue rollback N inside the distro: the next start boots N."},
      {"rebuild",
       "",
       "rebuild the configuration; with mode boot (the default), then verify-boot and keep or roll back",
       {{"mode", "MODE", "switch, boot, test, build or dry-build [default: boot]"},
        {"flake", "REF", "flake reference [default: the settings' flake, else the agent's]"},
        {"upgrade", "", "update channels / flake inputs first"},
        {"no-verify", "", "with mode boot: only rebuild, do not restart"},
        {"timeout", "S", "as verify-boot's"},
        no_rollback,
        json_option},
       0,
       0,
       "Rebuild and verify: the rebuild job (mode boot) registers the new generation without activating it;\n"
       "verify-boot then restarts into it. Exit codes as verify-boot's, and 4 when the rebuild itself\n"
       "failed (nothing was restarted). Without verifying: 0 the job succeeded, 1 it failed, 2 no agent."},
      {"install-nixos",
       "IMAGE",
       "install a NixOS-WSL image (nixos.wsl, or a legacy .tar.gz) as the distro --distro "
       "names, and start it",
       {{"folder", "DIR", "where WSL keeps the distro's disk [default: <local app data>/nixtray/distros/<distro>]"}},
       1,
       1,
       "Needs --distro-control wsl (the default on Windows). Checks first (the image exists, the name is\n"
       "free and valid, the folder is new or empty), then wsl.exe --import <distro> <folder> <image>\n"
       "--version 2; a legacy .tar.gz also gets its first /nix/var/nix/profiles/system/activate; then\n"
       "the distro is started. Exit codes: 0 installed and running, 1 a step failed (it says which)."},
  };
  program.footer =
      "Exit codes: 0 done (status: the agent answered); 1 the request failed; 2 the agent could not be reached\n"
      "(the output says why: the distro is stopped, nothing listens, the token was rejected, ...); 64 usage\n"
      "error. verify-boot and rebuild: see their --help.\n";
  return program;
}

namespace {

const std::vector<std::string> command_control_options = {"start", "stop", "is-running", "exec-as-root"};

std::shared_ptr<tray::DistroControl> make_control(const cli::ParsedCommandLine& args,
                                                  const tray::TraySettings& settings) {
  const auto kind = args.value_or("distro-control", tray::effective_distro_control_kind(settings));
  const bool from_command_line = args.has("distro-control");
  if (kind != "command") {
    for (const auto& option : command_control_options) {
      if (args.has(option)) {
        throw cli::UsageError("--" + option + " needs --distro-control command");
      }
    }
  }
  if (kind != "wsl") {
    for (const auto* option : {"wsl", "through-login-shell"}) {
      if (args.has(option)) {
        throw cli::UsageError("--" + std::string(option) + " needs --distro-control wsl");
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
    return std::make_shared<tray::WslDistroControl>(
        tray::wsl_control_options(settings, args.value_or("wsl", ""), args.has("through-login-shell")));
  }
  throw cli::UsageError("--distro-control must be wsl, command or local, not \"" + kind + "\"");
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
  if (const auto distro = args.value("distro")) {
    setup.settings.distro = *distro;
  }
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
  setup.link.token_file = tray::effective_token_file(setup.settings);
  setup.link.fetch_missing_token = tray::effective_fetch_missing_token(setup.settings);
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

tray::AgentConnectionOptions connection_options(const CtlSetup& setup) {
  tray::AgentConnectionOptions options;
  options.endpoint = setup.link.endpoint;
  options.token_file = setup.link.token_file;
  options.client = setup.link.client;
  options.connect_timeout = std::min(setup.timeout, std::chrono::milliseconds(10'000));
  options.call_timeout = std::max(setup.timeout, std::chrono::milliseconds(30'000));
  return options;
}

void update_distro_record(CtlSetup& setup, const std::function<void(tray::DistroRecord&)>& change) {
  auto loaded = setup.settings_file.load();
  change(loaded.settings.distros[setup.settings.distro]);
  setup.settings_file.save(loaded.settings);
  change(setup.settings.record());
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
    // A boot check a previous run did not finish: say so at once (verify-boot reports it itself).
    if (const auto* record = setup.settings.find_record();
        record && record->verify_in_progress && parsed.command != "verify-boot" && parsed.command != "rebuild") {
      std::cerr << "nixtrayctl: warning: " << tray::describe_interrupted_verify(*record->verify_in_progress) << "\n";
    }
    using Runner = int (*)(const cli::ParsedCommandLine&, CtlSetup&);
    static const std::map<std::string, Runner> runners = {
        {"status", run_status},
        {"start", run_start},
        {"stop", run_stop},
        {"verify-boot", run_verify_boot},
        {"rollback", run_rollback},
        {"rebuild", run_rebuild},
        {"install-nixos", run_install_nixos},
    };
    const auto runner = runners.find(parsed.command);
    if (runner == runners.end()) {
      throw cli::UsageError("unknown command " + parsed.command);
    }
    return runner->second(parsed, setup);
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
