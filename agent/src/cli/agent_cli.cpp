#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "config/agent_config.hpp"
#include "nixtray/version.hpp"

#include <iostream>
#include <map>

namespace nixtray::agent {

namespace {

cli::Program agent_program() {
  cli::Program program;
  program.name = "nixtray-agent";
  program.summary = "the nixtray agent inside a NixOS (WSL) distro, and its command-line client";
  program.global_options = {
      {"socket", "PATH", "the agent's Unix socket [default: from the config, else /run/nixtray/agent.sock]"},
      {"config", "FILE", "agent config file [default: /etc/nixtray/agent.json]"},
      {"json", "", "print JSON (the protocol's result objects) instead of text"},
      {"timeout", "SECONDS", "how long to wait for the agent [default: 30]"},
      {"version", "", "print the version"},
  };
  cli::Command serve{"serve",
                     "",
                     "run the agent daemon (as root, normally started by systemd)",
                     settings_as_options(),
                     0,
                     0,
                     "Settings come from the config file (keys are the option names below), overridden by options.\n"
                     "Sockets passed by systemd socket activation are used when present."};
  serve.options.push_back({"verbose", "", "log debug messages"});
  program.commands = {
      serve,
      {"bridge",
       "",
       "relay stdin/stdout to the agent's socket (for wsl.exe -d <distro> --exec .../nixtray-agent bridge)",
       {},
       0,
       0,
       "The protocol is newline-delimited JSON-RPC; the bridge only copies bytes. It exits when either side closes."},
      {"token",
       "",
       "print the TCP token (root only), creating it if missing",
       {{"token-file", "PATH", "the token file [default: <state-dir>/token]"},
        {"state-dir", "PATH", "the agent's state directory [default: /var/lib/nixtray]"}},
       0,
       0,
       ""},
      {"status", "", "the distro at a glance: systemd state, failed units, generations", {}, 0, 0, ""},
      {"generations", "", "list the system profile's generations", {}, 0, 0, ""},
      {"mark-good", "N", "record generation N as known-good (root or the agent's group)", {}, 1, 1, ""},
      {"diff",
       "A B",
       "what changed from generation A to B (or to store path B): packages, versions, sizes",
       {},
       2,
       2,
       "B may also be a store path that is not a generation, such as a `rebuild build` job's result.\n"
       "Grouped by package name like `nix store diff-closures`: one line per package whose versions\n"
       "changed (\"∅\": not there, \"ε\": no version) or whose size changed by 8 KiB or more, then the\n"
       "closure sizes. --json prints the protocol's GenerationsDiff with every change, however small."},
      {"space",
       "",
       "what fills the Nix store's disk, and what deleting old generations or links would free",
       {{"refresh", "", "look at the store now instead of taking the agent's last look"}},
       0,
       0,
       "Sizes are disk usage, as du counts it. \"frees\" is what nothing else keeps: deleting that\n"
       "generation (gc) or those links frees it at the next garbage collection. --json prints the\n"
       "protocol's SpaceReport."},
      {"units",
       "",
       "systemd's loaded units, like systemctl list-units",
       {{"failed", "", "only failed units"}},
       0,
       0,
       "Answered from the agent's view of systemd, which systemd keeps current by signals."},
      {"units-log",
       "UNIT",
       "the newest journal lines of a unit, like journalctl -u UNIT -n N",
       {{"lines", "N", "how many lines, 1 to 1000 [default: 50]"}},
       1,
       1,
       ""},
      {"rebuild",
       "[MODE]",
       "rebuild the system and follow it (MODE: switch (default), boot, test, build, dry-build)",
       {{"flake", "REF", "flake reference, e.g. /etc/nixos#nixos [default: the agent's setting]"},
        {"upgrade", "", "update the channels first (nixos-rebuild --upgrade; a flake: --update)"},
        {"update", "", "a flake: update its inputs in a copy and build it (MODE build, or dry-build to only check)"},
        {"no-follow", "", "start the job and return its id"}},
       0,
       1,
       "Builds first, checks the result is a NixOS system, registers it (switch, boot) and activates it\n"
       "(switch, boot, test). The job runs in its own systemd unit: interrupting this command does not stop it."},
      {"rollback",
       "[N]",
       "point the system at generation N (default: the previous one) and activate it",
       {{"boot", "", "only repoint the profile; the next start of the distro boots N"},
        {"no-follow", "", "start the job and return its id"}},
       0,
       1,
       ""},
      {"gc",
       "",
       "delete old generations and collect garbage (never the default, current, booted or known-good one)",
       {{"keep", "K", "keep the newest K generations"},
        {"older-than", "DAYS", "delete generations older than DAYS days (with --keep: and not among the newest K)"},
        {"no-follow", "", "start the job and return its id"}},
       0,
       0,
       "Prints what the collection freed (disk usage, as `nixtray-agent space` counts it); `space` shows\n"
       "beforehand what each --keep K would free."},
      {"jobs", "", "the job history, newest first", {{"limit", "N", "at most N jobs [default: 20]"}}, 0, 0, ""},
      {"job", "ID", "one job: state, generations, failure summary", {}, 1, 1, ""},
      {"logs",
       "ID",
       "a job's log",
       {{"follow", "", "keep printing new lines until the job ends", false, 'f'},
        {"from", "LINE", "start at this line [default: 0]"},
        {"raw", "", "print the log file as the job wrote it (Nix's internal-json lines too: pipe it to `nom --json`)"}},
       1,
       1,
       "--raw reads the log in large slices at about the cost of copying the file; with --follow it\n"
       "keeps printing until the job ends."},
      {"job-run",
       "DIR",
       "(internal) run the job in DIR; started by the agent inside the job's systemd unit",
       {},
       1,
       1,
       ""},
      {"rescue",
       "list | rollback N | mark-good N",
       "without the daemon: list generations, boot N next, or record N as known-good",
       {{"profile-dir", "DIR",
         "the system profile's directory, absolute [default: from the config, else "
         "$NIX_STATE_DIR/profiles, else /nix/var/nix/profiles]"},
        {"state-dir", "DIR",
         "the agent's state directory, absolute [default: from the config, else /var/lib/nixtray]"}},
       1,
       2,
       "Works directly on the profile and state directories: no daemon, no systemd, no PATH needed, so it\n"
       "also runs from outside a distro that does not boot. `rollback N` repoints the system profile at\n"
       "system-N-link as nix-env --switch-generation does (atomically, under the profile's lock); the next\n"
       "start of the distro boots N. `mark-good N` records N where the daemon reads its known-good generation.\n"
       "From Windows, with absolute paths (PATH is empty there):\n"
       "  wsl.exe -d NixOS -u root -e /nix/var/nix/profiles/system-41-link/sw/bin/nixtray-agent rescue rollback 41\n"
       "  wsl.exe --terminate NixOS"},
  };
  program.footer = std::string(exit_code_help) +
                   "\nFrom Windows: wsl.exe -d NixOS -u root -e /run/current-system/sw/bin/nixtray-agent status\n";
  return program;
}

using Runner = int (*)(const cli::ParsedCommandLine&);

const std::map<std::string, Runner>& runners() {
  static const std::map<std::string, Runner> table = {
      {"serve", run_serve},
      {"bridge", run_bridge},
      {"token", run_token},
      {"status", run_status},
      {"generations", run_generations},
      {"mark-good", run_mark_good},
      {"diff", run_diff},
      {"space", run_space},
      {"units", run_units},
      {"units-log", run_units_log},
      {"rebuild", run_rebuild},
      {"rollback", run_rollback},
      {"gc", run_gc},
      {"jobs", run_jobs},
      {"job", run_job_details},
      {"logs", run_logs},
      {"job-run", run_job_run},
      {"rescue", run_rescue},
  };
  return table;
}

}  // namespace

int run_agent_cli(int argc, char** argv) {
  const auto program = agent_program();
  const std::vector<std::string> words(argv + 1, argv + argc);
  cli::ParsedCommandLine args;
  try {
    args = cli::parse(program, words);
  } catch (const cli::UsageError& e) {
    std::cerr << "nixtray-agent: " << e.what() << "\n";
    return exit_usage;
  }
  if (args.has("version")) {
    std::cout << "nixtray-agent " << nixtray::version << "\n";
    return exit_ok;
  }
  if (args.command.empty()) {
    std::cout << cli::program_help(program);
    return args.help ? exit_ok : exit_usage;
  }
  if (args.help) {
    std::cout << cli::command_help(program, *cli::find_command(program, args.command));
    return exit_ok;
  }
  try {
    return runners().at(args.command)(args);
  } catch (const CommandFailure& e) {
    std::cerr << "nixtray-agent " << args.command << ": " << e.what() << "\n";
    return e.exit_code();
  } catch (const cli::UsageError& e) {
    std::cerr << "nixtray-agent " << args.command << ": " << e.what() << "\n";
    return exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "nixtray-agent " << args.command << ": " << e.what() << "\n";
    return exit_failed;
  }
}

}  // namespace nixtray::agent
