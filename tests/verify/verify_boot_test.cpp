// Verify-boot end to end, on real components: nixtrayctl (tray/core's BootVerifier) restarts a
// miniature distro whose PID 1 execs the system profile's own init (real Nix store paths), which
// activates and execs real systemd, which starts the agent of that generation. Each scenario of
// the issue is one test case; the numbers (verify duration, boot time) are printed for the log.
#include "catch.hpp"
#include "mini_distro.hpp"

#include "nixtray/testing/timeouts.hpp"

#include <csignal>
#include <filesystem>
#include <iostream>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

bool has_step(const json& report, const std::string& name, const std::string& phase = "verify") {
  return find_step(report, name, phase) != nullptr;
}

std::int64_t step_ms(const json& report, const std::string& name, const std::string& phase = "verify") {
  const auto* step = find_step(report, name, phase);
  return step ? (*step)["duration_ms"].get<std::int64_t>() : -1;
}

}  // namespace

TEST_CASE("good generation 1, rebuild to good generation 2: verify passes and 2 becomes known-good") {
  MiniDistro distro;
  REQUIRE(distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)")) == 1);
  // What `nixos-rebuild` (the stand-in) builds next: another good generation.
  distro.store().write_configuration(distro.configs(), "default",
                                     distro.good_generation("24.11.20241215.bbbbbbb (Vicuna)"));
  const auto boot_started = std::chrono::steady_clock::now();
  distro.start();
  const auto boot_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - boot_started).count();
  const auto before = distro.agent_status();
  REQUIRE(before["generations"]["booted"] == 1);
  CHECK(before["activation"]["state"] == "ok");  // read from the test's activation log, this boot's run

  // Rebuild and verify: rebuild with mode boot, restart into it, check, keep.
  const auto result = distro.nixtrayctl({"rebuild", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 0);
  const auto report = parse_output(result);
  CHECK(report["verdict"] == "passed");
  CHECK(report["expected_generation"] == 2);
  CHECK(report["booted_generation"] == 2);
  CHECK(report["known_good_before"] == 1);
  CHECK(report["activation"]["state"] == "ok");
  CHECK(report["failed_units"].empty());
  CHECK(report["rebuild_job"].is_string());
  CHECK(report["notification"]["kind"] == "verify-passed");  // success is told too
  CHECK(report["notification"]["body"] == "Generation 2 is active and passed boot verification.");
  CHECK(report["preflight"]["verdict"] == "pass");  // real store: store paths registered and present
  for (const auto* step : {"rebuild", "pre-flight", "stop", "start", "agent", "generation", "activation", "systemd",
                           "units", "console", "session", "mark-good"}) {
    const auto* found = find_step(report, step);
    INFO(step);
    REQUIRE(found);
    CHECK((*found)["status"] == "ok");
  }
  CHECK_FALSE(has_step(report, "rollback", "recover"));

  // The agent recorded the pass (verify.record): verified, by store path.
  CHECK(report["verification"]["state"] == "verified");
  CHECK(report["verification"]["generation"] == 2);
  CHECK(report["verification"]["store_path"] == report["store_path"]);
  CHECK((*find_step(report, "session"))["message"].get<std::string>().find("user@0.service") != std::string::npos);

  // Known-good on both sides: the agent, and the host's settings.
  const auto after = distro.agent_status();
  CHECK(after["verification"]["state"] == "verified");
  CHECK(after["generations"]["known_good"] == 2);
  CHECK(after["generations"]["booted"] == 2);
  const auto record = distro.distro_record();
  CHECK(record["known_good"] == 2);
  CHECK(record["verify_in_progress"].is_null());

  std::cout << "[numbers] mini distro start (nixtrayctl start, boot to agent): " << boot_ms << " ms\n"
            << "[numbers] rebuild-and-verify of a good generation: " << report["duration_ms"] << " ms (rebuild "
            << step_ms(report, "rebuild") << ", verify "
            << report["duration_ms"].get<std::int64_t>() - step_ms(report, "rebuild") << ": stop "
            << step_ms(report, "stop") << ", start " << step_ms(report, "start") << ", agent "
            << step_ms(report, "agent") << ", systemd " << step_ms(report, "systemd") << ")\n";

  // A second check of the same generation, for the plain verify-boot number.
  const auto again = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(again.describe());
  REQUIRE(again.exit_code() == 0);
  std::cout << "[numbers] verify-boot of a good generation: " << parse_output(again)["duration_ms"] << " ms\n";
}

TEST_CASE("generation 3 whose init cannot start systemd: rolled back from outside to 2, which boots") {
  MiniDistro distro;
  distro.boot_known_good_two();
  auto broken = distro.good_generation("24.11.20241220.ccccccc (Vicuna)");
  broken.init_exit_status = 1;  // init gives up before it can exec systemd: the distro does not start
  REQUIRE(distro.add_generation(broken) == 3);

  const auto result = distro.nixtrayctl({"verify-boot", "--timeout", "60", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 1);  // failed, rolled back to a generation that then booted
  const auto report = parse_output(result);
  CHECK(report["verdict"] == "failed");
  CHECK(report["recovery"] == "recovered");
  CHECK(report["expected_generation"] == 3);
  CHECK(report["booted_generation"].is_null());
  CHECK(report["failed_step"] == "start");
  CHECK(report["known_good_before"] == 2);
  CHECK(report["rolled_back_to"] == 2);
  CHECK(report["recovery_booted_generation"] == 2);
  // No agent answered: the rescue ran from outside, with absolute paths.
  const auto* rollback = find_step(report, "rollback", "recover");
  REQUIRE(rollback);
  CHECK((*rollback)["status"] == "ok");
  CHECK((*rollback)["message"].get<std::string>().find("from outside") != std::string::npos);
  CHECK((*rollback)["message"].get<std::string>().find("system-2-link/sw/bin/nixtray-agent rescue rollback 2") !=
        std::string::npos);
  CHECK((*find_step(report, "generation", "recover"))["message"] == "generation 2 booted");
  // What broke, for the tray's notification.
  CHECK(report["message"].get<std::string>().find("generation 3 did not start") != std::string::npos);
  REQUIRE(report["notification"].is_object());
  CHECK(report["notification"]["kind"] == "verify-failed");
  CHECK(report["notification"]["title"].get<std::string>().find("generation 3 rolled back") != std::string::npos);
  CHECK(report["notification"]["body"].get<std::string>().find("did not start") != std::string::npos);

  CHECK(distro.store().current_generation() == 2);
  const auto status = distro.agent_status();
  CHECK(status["generations"]["booted"] == 2);
  CHECK(status["generations"]["known_good"] == 2);
  CHECK(distro.distro_record()["verify_in_progress"].is_null());
}

TEST_CASE("a generation whose activation reports errors: failed, rolled back by the agent's rollback job") {
  MiniDistro distro;
  distro.boot_known_good_two();
  auto faulty = distro.good_generation("24.11.20241221.ddddddd (Vicuna)");
  faulty.activation_errors = {"Activation script snippet 'etc' failed (1)"};
  REQUIRE(distro.add_generation(faulty) == 3);

  const auto result = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 1);
  const auto report = parse_output(result);
  CHECK(report["verdict"] == "failed");
  CHECK(report["failed_step"] == "activation");
  CHECK(report["booted_generation"] == 3);  // it booted, half-configured: only the kernel log says so
  CHECK(report["activation"]["state"] == "errors");
  CHECK(report["activation"]["lines"] == json::array({"Activation script snippet 'etc' failed (1)"}));
  const auto* activation = find_step(report, "activation");
  REQUIRE(activation);
  CHECK((*activation)["lines"] == json::array({"Activation script snippet 'etc' failed (1)"}));
  const auto* rollback = find_step(report, "rollback", "recover");
  REQUIRE(rollback);
  CHECK((*rollback)["message"].get<std::string>().find("rollback job") != std::string::npos);
  CHECK(report["recovery"] == "recovered");
  CHECK(report["recovery_booted_generation"] == 2);
  // The notification says it in words; the snippet's own line is the evidence above.
  CHECK(report["notification"]["body"] == "Generation 3 started, but its activation reported errors");

  CHECK(distro.store().current_generation() == 2);
  // The agent of the recovered boot shows the rollback job, and its own clean activation.
  const auto status = distro.agent_status();
  CHECK(status["generations"]["booted"] == 2);
  CHECK(status["activation"]["state"] == "ok");
  const auto jobs = distro.agent_call("jobs.list")["result"]["jobs"];
  REQUIRE_FALSE(jobs.empty());
  CHECK(jobs[0]["kind"] == "rollback");
  CHECK(jobs[0]["args"]["mode"] == "boot");
  CHECK(jobs[0]["args"]["to"] == 2);
}

TEST_CASE("a generation that boots with a failing unit: passed-degraded, kept, the unit named") {
  MiniDistro distro;
  distro.boot_known_good_two();
  auto degraded = distro.good_generation("24.11.20241222.eeeeeee (Vicuna)");
  degraded.units["broken-thing.service"] =
      "[Unit]\nDescription=A service of this generation that fails\n\n[Service]\nType=oneshot\nExecStart=/bin/false\n";
  REQUIRE(distro.add_generation(degraded) == 3);

  const auto result = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 0);
  const auto report = parse_output(result);
  CHECK(report["verdict"] == "passed-degraded");
  CHECK(report["failed_units"] == json::array({"broken-thing.service"}));
  CHECK((*find_step(report, "units"))["status"] == "warn");
  CHECK(report["message"].get<std::string>().find("broken-thing.service") != std::string::npos);
  CHECK_FALSE(has_step(report, "rollback", "recover"));
  CHECK(report["notification"]["body"] == "Generation 3 is active and passed boot verification; some units failed.");
  CHECK(distro.store().current_generation() == 3);
  CHECK(distro.agent_status()["generations"]["known_good"] == 3);
  CHECK(distro.distro_record()["known_good"] == 3);
}

TEST_CASE("a boot whose activation report cannot be read: unknown, neither known-good nor rolled back") {
  MiniDistro distro;
  distro.boot_known_good_two();
  REQUIRE(distro.add_generation(distro.good_generation("24.11.20241222.fffffff (Vicuna)")) == 3);
  // The report's file becomes a directory: the activation cannot write its report, the agent cannot read it.
  const auto report_file = distro.dir() / "activation.log";
  fs::remove(report_file);
  fs::create_directory(report_file);

  const auto result = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 5);
  const auto report = parse_output(result);
  CHECK(report["verdict"] == "unknown");
  CHECK(report["booted_generation"] == 3);
  CHECK(report["activation"]["state"] == "unknown");
  CHECK((*find_step(report, "activation"))["status"] == "unknown");
  CHECK_FALSE(has_step(report, "mark-good", "verify"));
  CHECK_FALSE(has_step(report, "rollback", "recover"));
  CHECK(report["notification"]["title"] == "Boot verification inconclusive: generation 3");
  CHECK(distro.store().current_generation() == 3);
  // Recorded as such: the agent shows it unverified with the reason, not verifying.
  const auto verification = distro.agent_status()["verification"];
  CHECK(verification["state"] == "unverified");
  CHECK(verification["reason"].get<std::string>().find("activation report could not be read") != std::string::npos);
  CHECK(report["verification"]["state"] == "unverified");
  CHECK(distro.agent_status()["generations"]["known_good"] == 2);
  CHECK(distro.distro_record()["known_good"] != 3);
}

TEST_CASE("pre-flight refuses a generation without init before any restart, and warns for one without the agent") {
  MiniDistro distro;
  distro.boot_known_good_two();
  const auto namespace_before = distro.namespace_pid();
  REQUIRE(namespace_before > 0);
  const auto actions_before = distro.control_log().size();

  auto no_agent = distro.good_generation("24.11.20241223.fffffff (Vicuna)");
  no_agent.agent_path.reset();
  no_agent.units.erase("nixtray-agent.service");
  const int no_agent_number = distro.add_generation(no_agent);
  const auto warned = distro.agent_call("verify.preflight", {{"number", no_agent_number}});
  INFO(warned.dump(2));
  CHECK(warned["result"]["verdict"] == "warn");
  bool agent_warned = false;
  for (const auto& check : warned["result"]["checks"]) {
    if (check["name"] == "agent") agent_warned = check["status"] == "warn";
    if (check["name"] != "agent") CHECK(check["status"] == "ok");  // a real store: store paths checked too
  }
  CHECK(agent_warned);

  auto no_init = distro.good_generation("24.11.20241224.0000000 (Vicuna)");
  no_init.has_init = false;
  REQUIRE(distro.add_generation(no_init) == no_agent_number + 1);
  const auto result = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 3);
  const auto report = parse_output(result);
  CHECK(report["verdict"] == "refused");
  CHECK(report["failed_step"] == "pre-flight");
  CHECK(report["preflight"]["verdict"] == "refuse");
  CHECK(report["message"].get<std::string>().find("has no init") != std::string::npos);
  CHECK(report["steps"].size() == 1);

  // Never restarted: same namespace, the stand-in was asked nothing, no record was left.
  CHECK(distro.namespace_pid() == namespace_before);
  CHECK(distro.control_log().size() == actions_before);
  CHECK(distro.agent_status()["generations"]["booted"] == 2);
  CHECK(distro.distro_record()["verify_in_progress"].is_null());
}

TEST_CASE("a nixtrayctl killed during a verify: the next start reports it, and verify-boot resumes it") {
  MiniDistro distro;
  distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)"));
  distro.start();
  REQUIRE(distro.add_generation(distro.good_generation("24.11.20241215.bbbbbbb (Vicuna)")) == 2);

  auto tray = distro.spawn_nixtrayctl({"verify-boot", "--json"});
  // Kill it once it has recorded the check and its stop command is running (the record comes
  // first: killed between the two, there would be no stop to wait for).
  json record;
  const bool restarting = wait_until(
      [&] {
        try {
          record = distro.distro_record();
        } catch (const std::exception&) {
          return false;  // caught between writes: read again
        }
        const auto log = distro.control_log();
        return record.is_object() && record["verify_in_progress"].is_object() &&
               record["verify_in_progress"]["step"] == "stop" && !log.empty() && log.back() == "stop begin";
      },
      scaled(60s), 5ms);
  INFO(distro.diagnostics());
  REQUIRE(restarting);
  tray.kill_and_wait();
  // The stand-in's `stop` it had started goes on by itself: let it end.
  REQUIRE(wait_until(
      [&] {
        const auto log = distro.control_log();
        return !log.empty() && log.back().rfind("stop end", 0) == 0;
      },
      scaled(60s), 20ms));

  // The next start of nixtrayctl reports it.
  const auto status = distro.nixtrayctl({"status", "--json"});
  INFO(status.describe());
  CHECK(status.err.find("did not finish") != std::string::npos);
  const auto reported = parse_output(status);
  REQUIRE(reported["interrupted_verify"].is_object());
  CHECK(reported["interrupted_verify"]["expected_generation"] == 2);
  CHECK(reported["interrupted_verify"]["known_good_before"] == 1);
  CHECK(reported["interrupted_verify"]["step"] == "stop");

  // verify-boot resumes it from its record (the distro was left stopped: no agent for pre-flight).
  const auto result = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 0);
  const auto report = parse_output(result);
  CHECK(report["interrupted"]["expected_generation"] == 2);
  CHECK((*find_step(report, "pre-flight"))["status"] == "skipped");
  CHECK(report["booted_generation"] == 2);
  CHECK(distro.distro_record()["verify_in_progress"].is_null());
  CHECK(distro.distro_record()["known_good"] == 2);
}
