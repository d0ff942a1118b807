#include "ctl/ctl_program.hpp"

#include "core/language/user_languages.hpp"
#include "core/state/state_text.hpp"
#include "core/system/resource_paths.hpp"
#include "core/system/this_program.hpp"
#include "core/verify/verify_report.hpp"
#include "ctl/ctl_words.hpp"
#include "nixtray/protocol/wire_name.hpp"
#include "nixtray/version.hpp"

#include <algorithm>
#include <iostream>
#include <map>

namespace nixtray::ctl {

cli::Program nixtrayctl_program() {
  cli::Program program;
  program.name = "nixtrayctl";
  program.summary = "The nixtray tray's logic from the command line: the state of a NixOS distro and its agent.";
  // The session's options (core/session_setup.hpp), as nixtray takes them, and nixtrayctl's own.
  program.global_options = tray::session_options();
  program.global_options.push_back(
      {"timeout", "SECONDS", "how long to wait for the agent [default: 30; verify-boot: the settings' boot timeout]"});
  program.global_options.push_back({"version", "", "print the version"});
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
       "an unreadable report is shown as unknown), systemd running or degraded, failed units, a console\n"
       "as the default user through their login shell (--console with --distro-control command) and\n"
       "that user's systemd session. Each start, pass and failure is recorded by the agent (verify.record):\n"
       "passed, the generation becomes known-good after the agent's probation. Failed: rolled back to\n"
       "the last known-good generation (by the agent's rollback job, or from outside with --exec-as-root\n"
       "and nixtray-agent rescue), restarted and checked again. Unknown (booted, but the activation\n"
       "report could not be read): neither marked known-good nor rolled back.\n"
       "Exit codes: 0 passed (also with failed units, which it names); 1 failed and rolled back to a\n"
       "generation that then booted; 2 failed and could not recover (or the check could not run);\n"
       "3 pre-flight refused (nothing restarted); 5 unknown; 64 usage error. --json prints the steps and\n"
       "results, with what the agent recorded (`verification`: for a failure, the failed boot's evidence)."},
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
        {"upgrade", "",
         "update the channels first (nixos-rebuild --upgrade: channel systems; a flake's inputs: see update)"},
        {"no-verify", "", "with mode boot: only rebuild, without boot verification (the generation stays unverified)"},
        {"timeout", "S", "as verify-boot's"},
        no_rollback,
        json_option},
       0,
       0,
       "Rebuild and verify: the rebuild job (mode boot) registers the new generation without activating it;\n"
       "verify-boot then restarts into it. Exit codes as verify-boot's, and 4 when the rebuild itself\n"
       "failed (nothing was restarted). Without verifying: 0 the job succeeded, 1 it failed, 2 no agent."},
      {"update",
       "",
       "update the flake's inputs in a copy, build it and show what would change; nothing is switched or written",
       {{"flake", "REF", "flake reference [default: the settings' flake, else the agent's]"},
        {"switch", "JOB", "switch to what update job JOB built, then verify the boot (as rebuild does)"},
        {"no-verify", "", "with --switch: only switch, without boot verification (the generation stays unverified)"},
        {"timeout", "S", "with --switch: as verify-boot's"},
        no_rollback,
        json_option},
       0,
       0,
       "Without --switch: the agent's rebuild job with `update` copies the flake, runs nix flake update in the\n"
       "copy and builds it (mode build). Prints the inputs that moved (old and new revision, with their dates),\n"
       "the package diff from the current generation to the build, and the command that switches to it.\n"
       "Nothing is written: discarding the update is doing nothing. Exit codes: 0 built, 1 the job failed.\n"
       "With --switch JOB: the build of update job JOB becomes the generation that boots next (the agent then\n"
       "writes the updated flake.lock), and verify-boot restarts into it. Exit codes as rebuild's.\n"
       "--json prints the job and the diff, or with --switch the verify report."},
      {"space",
       "",
       "what fills the Nix store's disk, and what deleting old generations or links would free",
       {{"refresh", "", "look at the store now instead of taking the agent's last look"}, json_option},
       0,
       0,
       "The agent's report, as nixtray-agent space prints it. Sizes are disk usage, as du counts it.\n"
       "\"frees\" is what nothing else keeps: deleting that generation (gc) or those links frees it at\n"
       "the next garbage collection. Without --timeout, waits up to 5 minutes for the agent's first look\n"
       "at the store. --json prints the protocol's SpaceReport."},
      {"gc",
       "",
       "delete old generations and collect garbage (never the default, current, booted or known-good one)",
       {{"keep", "N", "keep the newest N generations"},
        {"older-than", "DAYS", "delete generations older than DAYS days (with --keep: and not among the newest N)"},
        json_option},
       0,
       0,
       "Starts the agent's gc job, follows it (its phases on stderr) and prints what the collection freed\n"
       "(disk usage, as `space` counts it; `space` shows beforehand what each --keep N would free).\n"
       "Exit codes: 0 the job succeeded, 1 it failed or could not start, 2 no agent. --json prints the job."},
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
      {"targets",
       "",
       "the settings' targets (distros and hosts) and the state of each",
       {json_option},
       0,
       0,
       "Looks at every target at the same time (each for --timeout at most). The default target, the one\n"
       "commands use without --target, is marked *. A target that is not watched is listed, but the tray\n"
       "shows no icon state or notifications for it. --json prints one object per target."},
      {"add-target",
       "NAME",
       "add a target to the settings: reached and controlled as the session options say",
       {{"no-watch", "", "list it, but do not watch it in the tray"},
        {"default", "", "make it the default target (commands without --target use it)"}},
       1,
       1,
       "The target is made from --distro, --agent, --token-file, --distro-control and its commands and\n"
       "--profile-dir as given (the defaults for the rest), checked as a session would use it, and saved.\n"
       "Examples:\n"
       "  nixtrayctl add-target test --distro NixOS-test\n"
       "  nixtrayctl add-target server --agent 'exec:ssh server nixtray-agent bridge' --distro-control local"},
      {"try-on-copy",
       "",
       "rebuild and verify a throw-away copy of the distro first; the distro itself is not changed",
       {{"flake", "REF", "flake reference [default: the settings' flake, else the agent's]"},
        {"upgrade", "",
         "update the channels first (nixos-rebuild --upgrade: channel systems; a flake's inputs: see update)"},
        {"timeout", "S",
         "seconds to wait for the copy's agent after its restart [default: the settings' boot timeout]"},
        json_option},
       0,
       0,
       "With --distro-control wsl only. wsl.exe --export DISTRO, then --import DISTRO-nixtray-trial (in\n"
       "<local app data>/nixtray/distros/DISTRO-nixtray-trial), then the rebuild (mode boot) and boot\n"
       "verification of `rebuild` on that copy, then wsl.exe --unregister of the copy and its folder,\n"
       "whatever happened. The distro itself is only exported: nothing runs in it and it is not restarted.\n"
       "When the copy passed, `nixtrayctl rebuild` applies the same rebuild to the distro.\n"
       "Exit codes: 0 the copy rebuilt and booted; 1 it failed there (the distro is unchanged); 2 the copy\n"
       "could not be made or checked."},
      {"discover",
       "",
       "the WSL distros that are not targets yet, and whether nixtray's agent answers in each",
       {{"add", "", "add each one where the agent answers as a target (named after it, watched)"}, json_option},
       0,
       0,
       "Lists the distros with wsl.exe --list (--wsl, else the default target's wsl.exe). In a running distro it\n"
       "runs /run/current-system/sw/bin/nixtray-agent --version; a stopped distro is not started to look:\n"
       "start it (wsl.exe -d NAME) or add it by hand with add-target NAME --distro NAME --distro-control wsl."},
      {"remove-target",
       "NAME",
       "remove a target from the settings, with what the host remembered about it",
       {},
       1,
       1,
       ""},
  };
  program.footer =
      "Exit codes: 0 done (status: the agent answered); 1 the request failed; 2 the agent could not be reached\n"
      "(the output says why: the distro is stopped, nothing listens, the token was rejected, ...); 64 usage\n"
      "error. verify-boot, rebuild and update: see their --help.\n";
  return program;
}

namespace {

tray::SessionUse ctl_use(std::chrono::milliseconds timeout) {
  return tray::SessionUse{std::string("nixtrayctl/") + nixtray::version, false, timeout, timeout};
}

}  // namespace

std::string distro_profile_dir(const CommandContext& context) {
  const auto& dir = context.session.profile_dir();
  if (dir.empty() || dir.front() != '/') {
    throw cli::UsageError("--profile-dir must be an absolute path inside the distro, not \"" + dir + "\"");
  }
  return dir;
}

std::string job_outcome_line(std::string_view what, const protocol::Job& job) {
  auto line = job.summary ? tray::sentence("%1$s (job %2$s): %3$s: %4$s",
                                           {std::string(what), job.id, protocol::wire_name(job.state), *job.summary})
                          : tray::sentence("%1$s (job %2$s): %3$s",
                                           {std::string(what), job.id, protocol::wire_name(job.state)});
  line.translated = {0, 2};
  return say(line);
}

std::string unverified_note() {
  return say(tray::sentence("without boot verification: the new generation is unverified until %s passes",
                            {"nixtrayctl verify-boot"}));
}

net::asio::awaitable<tray::ActionResult<protocol::Job>> follow_job_to_end(std::shared_ptr<tray::AgentConnection> agent,
                                                                          protocol::JobStartParams params) {
  // A rebuild may download and build for a long time; the job goes on in the agent if this ends.
  constexpr std::chrono::hours longest_follow{2};
  constexpr std::chrono::milliseconds poll_without_events{500};
  std::string phase;
  auto running = tray::run_job_to_end(
      std::move(agent), std::move(params), longest_follow, poll_without_events, [&phase](const protocol::Job& job) {
        const auto now = protocol::wire_name(job.progress.phase);
        if (now != phase) {
          auto line = tray::sentence("job %1$s: %2$s", {job.id, std::string(tray::job_phase_text(job.progress.phase))});
          line.translated = {1};
          std::cerr << "nixtrayctl: " << say(line) << "\n";
        }
        phase = now;
      });
  co_return co_await std::move(running);
}

int run_nixtrayctl(const std::vector<std::string>& args) {
  const auto program = nixtrayctl_program();
  // The person's language for everything below but --help and --json (ctl_words.hpp).
  tray::print_utf8_to_console();
  use_catalogue(tray::MessageCatalogue::for_languages(tray::find_resources(tray::this_program_path()).locale,
                                                      tray::user_languages()));
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
    std::chrono::milliseconds timeout{30'000};
    if (const auto seconds = parsed.integer("timeout", 1, 24 * 3600)) timeout = std::chrono::seconds(*seconds);
    const auto flags = tray::session_flags(parsed);
    if (parsed.command == "targets") {
      return run_targets(parsed, flags.config.value_or(tray::SettingsFile::default_path()), ctl_use(timeout));
    }
    if (parsed.command == "add-target") return run_add_target(parsed, flags, ctl_use(timeout));
    if (parsed.command == "remove-target") return run_remove_target(parsed, flags);
    if (parsed.command == "discover") return run_discover(parsed, flags);
    auto setup = tray::make_session_setup(flags, ctl_use(timeout));
    if (parsed.command == "try-on-copy") return run_try_on_copy(parsed, setup);
    for (const auto& warning : setup.warnings) {
      std::cerr << "nixtrayctl: " << say(tray::sentence("warning: %s", {warning})) << "\n";
    }
    net::asio::io_context io;
    const auto session = tray::TraySession::create(io.get_executor(), std::move(setup), {});
    // A boot check a previous run did not finish: say so at once (verify-boot reports it itself).
    if (const auto interrupted = session->interrupted_verify();
        interrupted && parsed.command != "verify-boot" && parsed.command != "rebuild" && parsed.command != "update") {
      std::cerr << "nixtrayctl: "
                << say(tray::sentence("warning: %s", {tray::describe_interrupted_verify(*interrupted)})) << "\n";
    }
    using Runner = int (*)(const cli::ParsedCommandLine&, CommandContext&);
    static const std::map<std::string, Runner> runners = {
        {"status", run_status},
        {"start", run_start},
        {"stop", run_stop},
        {"verify-boot", run_verify_boot},
        {"rollback", run_rollback},
        {"rebuild", run_rebuild},
        {"update", run_update},
        {"space", run_space},
        {"gc", run_gc},
        {"install-nixos", run_install_nixos},
    };
    const auto runner = runners.find(parsed.command);
    if (runner == runners.end()) {
      throw cli::UsageError("unknown command " + parsed.command);
    }
    CommandContext context{io, *session, timeout};
    return runner->second(parsed, context);
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
