// nixtray-bench-overhead: the two numbers a user waits on (issue 22), each against doing the same
// without nixtray, measured in the same run:
//  1. Verify-boot overhead: `nixtrayctl verify-boot` on the miniature distro (tests/verify: real
//     Nix store, the generation's own init, real systemd, the agent of that generation) against a
//     bare restart of the same distro: its stop and start commands, then the agent's first
//     `status` with systemd settled. Goal: verify-boot <= 1.2x the bare restart; per-step times
//     from verify-boot's own report; and against the manual rule it replaces (that restart, then
//     one console login as the default user).
//  2. Rebuild overhead: a `rebuild switch` job through the agent (transient unit, log pipe,
//     internal-json analysis) against the nixos-rebuild stand-in's `switch` run directly in the
//     same systemd namespace, on the same configuration with a warm store. Goal: <= 1.05x plus a
//     fixed start cost, reported as the difference.
// It runs as Catch2 test cases only because the fixtures it reuses (the tests' miniature distro and
// jobs agent) REQUIRE their set-up; scripts/bench runs it, CTest does not. NIXTRAY_BENCH_SHORT=1
// (scripts/bench --short): fewer rounds, for CI.
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "mini_distro.hpp"
#include "percentiles.hpp"

#include "nixtray/testing/process_runner.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>

using namespace nixtray::testing;
using nixtray::bench::percentiles;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

bool short_run() {
  const char* value = std::getenv("NIXTRAY_BENCH_SHORT");
  return value != nullptr && std::string(value) == "1";
}

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// How often the baselines look for their end: fine enough not to matter next to seconds.
constexpr auto look_every = 5ms;

// Runs a distro control command line (the mini distro's stand-in; constant text of the fixture).
void run_control(const std::string& command_line) {
  const auto result = run_process({"/bin/sh", "-c", command_line});
  INFO(result.describe());
  REQUIRE(result.ok());
}

// The agent's first answer with systemd settled (running or degraded), looked for every 5 ms.
void wait_settled(MiniDistro& distro) {
  const auto deadline = Clock::now() + 120s;
  while (Clock::now() < deadline) {
    try {
      const auto status = distro.agent_status();
      const auto state = status.value("system_state", std::string());
      if (state == "running" || state == "degraded") return;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(look_every);
  }
  FAIL("the mini distro's agent did not report systemd settled within 120 s");
}

void print_row(const std::string& what, const nixtray::bench::Percentiles& p) {
  std::printf("| %-66s | %9.1f | %9.1f |\n", what.c_str(), p.p50, p.p99);
}

}  // namespace

TEST_CASE("verify-boot overhead: verify-boot against a bare restart of the same distro") {
  const int rounds = short_run() ? 2 : 12;  // a restart's time spreads by tens of ms: 12 for a steady median
  MiniDistro distro;
  distro.boot_known_good_two();

  std::vector<double> bare;
  std::vector<double> bare_stop;
  std::vector<double> bare_start;
  std::vector<double> console;
  std::vector<double> by_hand;
  std::vector<double> verify;
  std::map<std::string, std::vector<double>> steps;
  // Where verify-boot's time goes besides its steps: nixtrayctl's own start, settings and exit
  // (the whole run minus the check's own duration), and the check's work between its steps.
  std::vector<double> outside_check;
  std::vector<double> between_steps;
  for (int round = 0; round < rounds; ++round) {
    auto start = Clock::now();
    run_control(distro.control_command("stop"));
    bare_stop.push_back(ms_since(start));
    const auto starting = Clock::now();
    run_control(distro.control_command("start"));
    wait_settled(distro);
    bare_start.push_back(ms_since(starting));
    bare.push_back(ms_since(start));
    // The manual rule verify-boot replaces ends with a fresh console: one login as the default
    // user through their login shell, as the console step does (the stand-in's `console`).
    const auto login = Clock::now();
    run_control(distro.control_command("console") + " /bin/true");
    console.push_back(ms_since(login));
    by_hand.push_back(bare.back() + console.back());

    start = Clock::now();
    const auto result = distro.nixtrayctl({"verify-boot", "--json"});
    verify.push_back(ms_since(start));
    INFO(result.describe());
    REQUIRE(result.exit_code() == 0);
    const auto report = parse_output(result);
    double in_steps = 0;
    for (const auto& step : report["steps"]) {
      steps[step["name"].get<std::string>()].push_back(step["duration_ms"].get<double>());
      in_steps += step["duration_ms"].get<double>();
    }
    const auto check = report["duration_ms"].get<double>();
    outside_check.push_back(verify.back() - check);
    between_steps.push_back(check - in_steps);
  }

  const auto bare_p = percentiles(bare);
  const auto verify_p = percentiles(verify);
  std::printf("\nverify-boot overhead (miniature distro, %d rounds each, ms)\n", rounds);
  std::printf("| %-66s | %9s | %9s |\n", "measurement", "p50", "p99");
  std::printf("|%s|%s|%s|\n", std::string(68, '-').c_str(), std::string(11, '-').c_str(), std::string(11, '-').c_str());
  print_row("bare restart: stop + start + the agent says systemd settled", bare_p);
  print_row("  its stop", percentiles(bare_stop));
  print_row("  its start, until the agent says systemd settled", percentiles(bare_start));
  print_row("a console login after it (the manual rule's last step)", percentiles(console));
  print_row("by hand: the bare restart, then that console login", percentiles(by_hand));
  print_row("nixtrayctl verify-boot, whole", verify_p);
  for (const auto& [name, samples] : steps) print_row("  step " + name, percentiles(samples));
  print_row("  between the steps (the check's own work)", percentiles(between_steps));
  print_row("  nixtrayctl outside the check (start, settings, exit)", percentiles(outside_check));
  std::printf("verify-boot / bare restart (p50): %.2fx   goal <= 1.2x\n", verify_p.p50 / bare_p.p50);
  std::printf("verify-boot / the same by hand, restart and a console (p50): %.2fx\n",
              verify_p.p50 / percentiles(by_hand).p50);
}

namespace {

struct RebuildTimes {
  nixtray::bench::Percentiles job;
  nixtray::bench::Percentiles direct;
  nixtray::bench::Percentiles login_shell;
};

// `rounds` rebuild switch jobs and as many direct runs of the stand-in, alternating, with the
// stand-in printing `chatter_lines` extra lines first (a build's log, which the job's log pipe
// and analysis carry and the direct run's stderr only collects).
RebuildTimes time_rebuilds(int rounds, int chatter_lines) {
  // A job reads root's login environment (what a console's `sudo nixos-rebuild` has), so the
  // login shell's start is part of every job. Root logs in as on NixOS: /etc/profile sources
  // set-environment, and no ~/.profile or ~/.bashrc (NixOS makes none for root). Without this
  // the job would time whatever this machine's root runs at login (here `pyenv init`, 150 ms).
  const TempDir login("nxbl");
  write_text(login.path() / "set-environment", "export __NIXOS_SET_ENVIRONMENT_DONE=1\n");
  write_text(login.path() / "profile", nixos_login_profile(login.path() / "set-environment"));
  write_text(login.path() / "empty", "");
  JobsFixtureOptions options;
  options.private_files = {{"/etc/profile", login.path() / "profile"}};
  for (const auto* dotfile : {"/root/.profile", "/root/.bashrc", "/root/.bash_profile", "/root/.bash_login"}) {
    if (fs::exists(dotfile)) options.private_files[dotfile] = login.path() / "empty";
  }
  options.environment["NIXTRAY_STANDIN_CHATTER_LINES"] = std::to_string(chatter_lines);
  JobsFixture f(options);
  // Warm the store: the configuration is built once before anything is timed.
  const auto warm = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}}));
  REQUIRE(warm["state"] == "succeeded");

  const fs::path standin = fs::path(NIXTRAY_SOURCE_DIR) / "tests" / "jobs" / "nixos-rebuild-standin";
  RunOptions direct_options;
  direct_options.env = merged(minimal_environment(), f.store->env());  // as the agent's jobs get it
  direct_options.env["NIXTRAY_STANDIN_CONFIGS"] = f.configs.string();
  direct_options.env["NIXTRAY_STANDIN_CHATTER_LINES"] = std::to_string(chatter_lines);

  std::vector<double> job;
  std::vector<double> direct;
  std::vector<double> login_shell;
  for (int round = 0; round < rounds; ++round) {
    auto start = Clock::now();
    const auto shell = f.agent->ns().run_inside({"/bin/bash", "-l", "-c", "exec env -0"}, direct_options);
    login_shell.push_back(ms_since(start));
    REQUIRE(shell.ok());

    start = Clock::now();
    const auto id = f.start({{"kind", "rebuild"}, {"mode", "switch"}});
    json last;
    while ((last = f.job(id))["state"] == "running") std::this_thread::sleep_for(look_every);
    job.push_back(ms_since(start));
    INFO(last.dump(2));
    REQUIRE(last["state"] == "succeeded");

    start = Clock::now();
    const auto ran = f.agent->ns().run_inside(
        {"/bin/sh", standin.string(), "switch", "--log-format", "internal-json", "-v"}, direct_options);
    direct.push_back(ms_since(start));
    INFO(ran.describe());
    REQUIRE(ran.ok());
  }
  return {percentiles(job), percentiles(direct), percentiles(login_shell)};
}

}  // namespace

TEST_CASE("rebuild overhead: a rebuild switch job against nixos-rebuild switch run directly") {
  const int rounds = short_run() ? 2 : 8;
  const char* lines = std::getenv("NIXTRAY_BENCH_CHATTER_LINES");  // to look closer by hand
  const int chatter = lines != nullptr ? std::atoi(lines) : 200'000;
  const auto quiet = time_rebuilds(rounds, 0);
  const auto chatty = time_rebuilds(rounds, chatter);
  std::printf("\nrebuild overhead (toy system, warm store, %d rounds each, ms)\n", rounds);
  std::printf("| %-66s | %9s | %9s |\n", "measurement", "p50", "p99");
  std::printf("|%s|%s|%s|\n", std::string(68, '-').c_str(), std::string(11, '-').c_str(), std::string(11, '-').c_str());
  print_row("nixos-rebuild switch (stand-in) run directly in the namespace", quiet.direct);
  print_row("the same as a `rebuild switch` job, jobs.start -> succeeded", quiet.job);
  print_row("of which root's login shell (NixOS-like /etc/profile), alone", quiet.login_shell);
  print_row("direct, the stand-in printing " + std::to_string(chatter) + " lines first", chatty.direct);
  print_row("as a job, the same " + std::to_string(chatter) + " lines", chatty.job);
  const double fixed = quiet.job.p50 - quiet.direct.p50;
  const double slope = (chatty.job.p50 - quiet.job.p50) / (chatty.direct.p50 - quiet.direct.p50);
  std::printf("fixed start cost (job - direct, quiet): %.0f ms; job / direct: %.2fx quiet, %.2fx chatty\n", fixed,
              quiet.job.p50 / quiet.direct.p50, chatty.job.p50 / chatty.direct.p50);
  std::printf("beyond the fixed cost (the chatty run's extra time, job / direct): %.2fx   goal <= 1.05x\n", slope);
}
