// The agent as the source of truth for boot checks, on the miniature distro (real systemd booted by
// the generation's own init, real relocated Nix store, the journal kept across boots): a terminal
// rebuild leaves the default generation unverified; a recorded pass makes it verified, kept across
// an agent restart, and known-good (by store path) after a healthy probation; a unit failing during
// the probation voids it; a failure recorded after the rollback carries the failed boot's journal.
#include "catch.hpp"
#include "mini_distro.hpp"

#include "nixtray/testing/text_file.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <fstream>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path rebuild_standin = fs::path(NIXTRAY_SOURCE_DIR) / "tests" / "jobs" / "nixos-rebuild-standin";

json record(const MiniDistro& distro, int generation, const std::string& outcome, json extra = json::object()) {
  extra["generation"] = generation;
  extra["outcome"] = outcome;
  return distro.agent_call("verify.record", extra);
}

json result_of(const json& response) {
  INFO(response.dump());
  REQUIRE(response.contains("result"));
  return response["result"];
}

std::string store_path(MiniDistro& distro, int number) {
  for (const auto& generation : distro.store().list_generations()) {
    if (generation.number == number) return generation.store_path.string();
  }
  FAIL("no generation " << number);
  return {};
}

// The agent answers again (after a restart of its unit or of the distro).
json status_when_answering(const MiniDistro& distro) {
  json status;
  REQUIRE(wait_until(
      [&] {
        try {
          status = distro.agent_status();
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      scaled(30s), 100ms));
  return status;
}

// Adds the generation and waits until the agent has seen it (it reads the profile when it changes).
int add_generation(MiniDistro& distro, const SystemSpec& spec) {
  const int number = distro.add_generation(spec);
  REQUIRE(wait_until([&] { return distro.agent_status()["generations"]["default"] == number; }, scaled(10s), 20ms));
  return number;
}

// Logs one line of priority err in the distro's current boot.
void log_error(const MiniDistro& distro, const std::string& text) {
  const auto logged = distro.run_inside({"/usr/bin/systemd-cat", "-t", "nixtray-test", "-p", "err", "/bin/echo", text});
  INFO(logged.describe());
  REQUIRE(logged.ok());
}

bool contains_message(const json& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line["message"].get<std::string>().find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE(
    "a terminal nixos-rebuild switch is unverified, a recorded pass is verified, kept across an agent restart "
    "and known-good by store path after a healthy probation") {
  MiniDistro distro;
  distro.write_agent_config({{"probation", 3}});
  REQUIRE(distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)")) == 1);
  distro.store().write_configuration(distro.configs(), "default",
                                     distro.good_generation("24.11.20241215.bbbbbbb (Vicuna)"));
  distro.start();
  CHECK(distro.agent_status()["verification"]["state"] == "unverified");  // nobody checked generation 1

  // `nixos-rebuild switch` in a terminal of the distro, outside nixtray; a client subscribed to
  // status sees the new default generation arrive unverified.
  auto client = RawClient::unix_socket(distro.socket());
  REQUIRE(client.hello().contains("result"));
  client.request(2, "subscribe", {{"topics", {"status"}}});
  REQUIRE(client.response(2));
  auto env = distro.store().env();
  env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
  env["NIXTRAY_STANDIN_CONFIGS"] = distro.configs().string();
  const auto switched = distro.run_inside({"/bin/sh", rebuild_standin.string(), "switch"}, env);
  INFO(switched.describe());
  REQUIRE(switched.ok());
  json pushed;
  REQUIRE(wait_until(
      [&] {
        const auto event = client.read_json(100ms);
        if (!event || (*event)["params"]["topic"] != "status") return false;
        pushed = (*event)["params"]["data"];
        return pushed["generations"]["default"] == 2 && pushed["generations"]["current"] == 2;
      },
      scaled(30s), 1ms));
  CHECK(pushed["verification"]["state"] == "unverified");
  CHECK(pushed["verification"]["generation"] == 2);
  CHECK(pushed["verification"]["store_path"] == store_path(distro, 2));
  const auto generations = distro.agent_call("generations.list")["result"]["generations"];
  CHECK(pushed["verification"]["since"] == generations[0]["created"]);  // unverified since it was made
  CHECK(pushed["verification"]["probation"].is_null());

  // A pass is recorded from the boot it checked: not before the distro booted generation 2.
  const auto early = record(distro, 2, "passed");
  INFO(early.dump());
  REQUIRE(early.contains("error"));
  CHECK(early["error"]["code"] == -32005);
  CHECK(result_of(record(distro, 2, "started", {{"store_path", store_path(distro, 2)}}))["state"] == "verifying");
  CHECK(distro.agent_status()["verification"]["state"] == "verifying");
  distro.stop();
  distro.start();
  const auto passed = result_of(record(distro, 2, "passed"));
  CHECK(passed["state"] == "verified");
  CHECK(passed["probation"]["state"] == "running");
  CHECK(passed["probation"]["until"].get<std::int64_t>() - passed["probation"]["started"].get<std::int64_t>() == 3);
  CHECK(passed["started"].is_number());

  // The record is the agent's, on disk: a restarted agent still knows it.
  const auto restarted = distro.run_inside({"/bin/systemctl", "restart", "nixtray-agent.service"});
  INFO(restarted.describe());
  REQUIRE(restarted.ok());
  auto status = status_when_answering(distro);
  CHECK(status["verification"]["state"] == "verified");
  CHECK(status["verification"]["generation"] == 2);

  // After the probation with no failed unit: known-good, by number and store path.
  REQUIRE(wait_until([&] { return distro.agent_status()["generations"]["known_good"] == 2; }, scaled(30s), 200ms));
  status = distro.agent_status();
  CHECK(status["verification"]["probation"]["state"] == "passed");
  const auto known_good = json::parse(read_text(distro.state_dir() / "known-good.json"));
  CHECK(known_good["number"] == 2);
  CHECK(known_good["path"] == store_path(distro, 2));
  const auto kept = json::parse(read_text(distro.state_dir() / "verification.json"));
  REQUIRE(kept["records"].size() == 1);
  CHECK(kept["records"][0]["path"] == store_path(distro, 2));
  CHECK(kept["records"][0]["outcome"] == "passed");

  // The CLI shows it at a glance.
  const auto cli = run_process({NIXTRAY_AGENT_BINARY, "--socket", distro.socket().string(), "status"});
  INFO(cli.describe());
  CHECK(cli.out.find("Verification: generation 2 passed its boot check") != std::string::npos);
}

TEST_CASE("a unit that fails during the probation voids it: verified, but not known-good") {
  MiniDistro distro;
  distro.write_agent_config({{"probation", 6}});
  const auto flag = distro.dir() / "flaky.fail";
  distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)"));
  auto flaky = distro.good_generation("24.11.20241215.bbbbbbb (Vicuna)");
  flaky.units["flaky.service"] =
      "[Unit]\nDescription=A service that fails a while after the boot\n\n[Service]\nExecStart=/bin/sh -c 'while [ ! "
      "-e " +
      flag.string() + " ]; do sleep 0.2; done; echo \"<3>flaky: lost its database\" >&2; exit 1'\n";
  REQUIRE(distro.add_generation(flaky) == 2);
  distro.start();
  REQUIRE(distro.agent_status()["generations"]["known_good"] == 2);  // first boot: it booted
  REQUIRE(result_of(distro.agent_call("generations.mark_good", {{"number", 1}}))["known_good"] == 1);

  const auto passed = result_of(record(distro, 2, "passed"));
  REQUIRE(passed["probation"]["state"] == "running");
  std::ofstream(flag) << "fail\n";
  json verification;
  REQUIRE(wait_until(
      [&] {
        verification = distro.agent_status()["verification"];
        return verification["probation"]["state"] != "running";
      },
      scaled(30s), 100ms));
  CHECK(verification["state"] == "verified");
  CHECK(verification["probation"]["state"] == "voided");
  CHECK(verification["probation"]["reason"].get<std::string>().find("flaky.service failed") != std::string::npos);
  CHECK(verification["probation"]["ended"].is_number());

  // Its end comes and goes: the generation is not made known-good.
  const auto until = passed["probation"]["until"].get<std::int64_t>();
  REQUIRE(wait_until([&] { return std::time(nullptr) > until + 2; }, scaled(30s), 200ms));
  const auto status = distro.agent_status();
  CHECK(status["generations"]["known_good"] == 1);
  CHECK(status["verification"]["probation"]["state"] == "voided");
}

TEST_CASE("a failure recorded after the rollback carries the failed boot's journal: its errors and failed units") {
  MiniDistro distro;
  distro.boot_known_good_two();
  auto broken = distro.good_generation("24.11.20241220.ccccccc (Vicuna)");
  broken.units["broken-thing.service"] =
      "[Unit]\nDescription=A service of this generation that fails\n\n[Service]\nType=oneshot\n"
      "ExecStart=/bin/sh -c 'echo \"<3>broken-thing: cannot open /etc/thing.conf\" >&2; exit 1'\n";
  REQUIRE(add_generation(distro, broken) == 3);
  log_error(distro, "an error of the boot before the check");

  // What the tray does: record the start, restart into 3, find it broken, roll back from outside.
  REQUIRE(result_of(record(distro, 3, "started"))["state"] == "verifying");
  distro.stop();
  distro.start();
  REQUIRE(distro.agent_status()["generations"]["booted"] == 3);
  log_error(distro, "an error of the failed boot");
  distro.stop();
  distro.store().switch_generation(2);
  distro.start();
  REQUIRE(distro.agent_status()["generations"]["booted"] == 2);
  log_error(distro, "an error of the recovered boot");

  const auto failed = result_of(
      record(distro, 3, "failed",
             {{"reason", "Generation 3 started with a failed unit: broken-thing.service"}, {"step", "units"}}));
  INFO(failed.dump(2));
  CHECK(failed["state"] == "failed");
  CHECK(failed["step"] == "units");
  const auto& evidence = failed["evidence"];
  REQUIRE(evidence.is_object());
  CHECK(evidence["note"].is_null());
  CHECK(evidence["boot_started"].is_number());
  CHECK(contains_message(evidence["errors"], "broken-thing: cannot open /etc/thing.conf"));
  CHECK(contains_message(evidence["errors"], "nixtray-test: an error of the failed boot"));
  CHECK_FALSE(contains_message(evidence["errors"], "the boot before the check"));
  CHECK_FALSE(contains_message(evidence["errors"], "the recovered boot"));
  REQUIRE(evidence["failed_units"].size() == 1);
  CHECK(evidence["failed_units"][0]["unit"] == "broken-thing.service");
  CHECK(evidence["failed_units"][0]["result"] == "exit-code");
  CHECK(contains_message(evidence["failed_units"][0]["lines"], "cannot open /etc/thing.conf"));

  // Served after the rollback (3 is no longer the default) and kept across an agent restart.
  REQUIRE(distro.run_inside({"/bin/systemctl", "restart", "nixtray-agent.service"}).ok());
  status_when_answering(distro);
  const auto kept = result_of(distro.agent_call("verify.get", {{"generation", 3}}));
  CHECK(kept["state"] == "failed");
  CHECK(kept["evidence"] == evidence);
  CHECK(distro.agent_status()["verification"]["generation"] == 2);
}

TEST_CASE("a generation that never started leaves no journal: the evidence says so") {
  MiniDistro distro;
  distro.boot_known_good_two();
  auto broken = distro.good_generation("24.11.20241220.ccccccc (Vicuna)");
  broken.init_exit_status = 1;
  REQUIRE(add_generation(distro, broken) == 3);

  REQUIRE(result_of(record(distro, 3, "started"))["state"] == "verifying");
  distro.stop();
  CHECK_FALSE(distro.nixtrayctl({"start", "--timeout", "30"}).ok());
  distro.store().switch_generation(2);
  distro.start();

  const auto failed =
      result_of(record(distro, 3, "failed", {{"reason", "Generation 3 did not start"}, {"step", "start"}}));
  INFO(failed.dump(2));
  const auto& evidence = failed["evidence"];
  CHECK(evidence["errors"].empty());
  CHECK(evidence["failed_units"].empty());
  CHECK(evidence["boot_started"].is_null());
  CHECK(evidence["note"].get<std::string>().find("left nothing in the journal") != std::string::npos);
}

TEST_CASE("a verification is kept for the store path: a number Nix gives to another system is unverified") {
  MiniDistro distro;
  distro.boot_known_good_two();
  REQUIRE(add_generation(distro, distro.good_generation("24.11.20241220.ccccccc (Vicuna)")) == 3);
  const auto first_three = store_path(distro, 3);
  REQUIRE(result_of(record(distro, 3, "started"))["state"] == "verifying");
  CHECK(distro.agent_status()["verification"]["state"] == "verifying");

  // Generation 3 is deleted and the next one takes its number.
  distro.store().switch_generation(2);
  const auto deleted =
      distro.store().nix({"nix-env", "-p", distro.store().system_profile().string(), "--delete-generations", "3"});
  INFO(deleted.describe());
  REQUIRE(deleted.ok());
  REQUIRE(distro.add_generation(distro.good_generation("24.11.20241221.ddddddd (Vicuna)")) == 3);
  REQUIRE(store_path(distro, 3) != first_three);

  REQUIRE(wait_until([&] { return distro.agent_status()["verification"]["store_path"] == store_path(distro, 3); },
                     scaled(10s), 50ms));
  CHECK(distro.agent_status()["verification"]["state"] == "unverified");
  // A client that still holds the old system's path is told the number now names another one.
  const auto stale = record(distro, 3, "failed", {{"store_path", first_three}});
  INFO(stale.dump());
  REQUIRE(stale.contains("error"));
  CHECK(stale["error"]["code"] == -32005);
  CHECK(distro.agent_status()["verification"]["state"] == "unverified");
}

TEST_CASE(
    "a boot check that never finishes is over after the verify timeout: unverified with its reason, across an "
    "agent restart too") {
  MiniDistro distro;
  distro.write_agent_config({{"verify-timeout", 5}});
  REQUIRE(distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)")) == 1);
  distro.start();
  auto client = RawClient::unix_socket(distro.socket());
  REQUIRE(client.hello().contains("result"));
  client.request(2, "subscribe", {{"topics", {"status"}}});
  REQUIRE(client.response(2));

  // The tray records started, then dies: the agent's timer ends the check and pushes it.
  const auto started = result_of(record(distro, 1, "started"));
  REQUIRE(started["state"] == "verifying");
  json pushed;
  REQUIRE(wait_until(
      [&] {
        const auto event = client.read_json(100ms);
        if (!event || (*event)["params"]["topic"] != "status") return false;
        pushed = (*event)["params"]["data"]["verification"];
        return pushed["state"] != "verifying";
      },
      scaled(30s), 1ms));
  CHECK(pushed["state"] == "unverified");
  CHECK(pushed["reason"].get<std::string>().starts_with("the boot check that started did not finish within 5 seconds"));
  CHECK(pushed["since"] == started["started"].get<std::int64_t>() + 5);
  auto kept = json::parse(read_text(distro.state_dir() / "verification.json"));
  REQUIRE(kept["records"].size() == 1);
  CHECK(kept["records"][0]["outcome"] == "inconclusive");

  // Started again, and the agent is away when its time runs out: it closes the check at start.
  REQUIRE(result_of(record(distro, 1, "started"))["state"] == "verifying");
  const auto stopped = distro.run_inside({"/bin/systemctl", "stop", "nixtray-agent.service"});
  INFO(stopped.describe());
  REQUIRE(stopped.ok());
  kept = json::parse(read_text(distro.state_dir() / "verification.json"));
  REQUIRE(kept["records"][0]["outcome"] == "started");
  const auto deadline = kept["records"][0]["started"].get<std::int64_t>() + 5;
  REQUIRE(wait_until([&] { return std::time(nullptr) > deadline; }, scaled(30s), 200ms));
  const auto restarted = distro.run_inside({"/bin/systemctl", "start", "nixtray-agent.service"});
  INFO(restarted.describe());
  REQUIRE(restarted.ok());
  const auto status = status_when_answering(distro);
  CHECK(status["verification"]["state"] == "unverified");
  CHECK(status["verification"]["reason"].get<std::string>().find("did not finish") != std::string::npos);
  kept = json::parse(read_text(distro.state_dir() / "verification.json"));
  CHECK(kept["records"][0]["outcome"] == "inconclusive");
}

TEST_CASE("a boot check without a verdict is recorded inconclusive: the generation is unverified, with the reason") {
  MiniDistro distro;
  distro.write_agent_config({{"probation", 600}});
  REQUIRE(distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)")) == 1);
  distro.start();
  const auto path = store_path(distro, 1);
  REQUIRE(result_of(record(distro, 1, "started", {{"store_path", path}}))["state"] == "verifying");
  const auto given = result_of(
      record(distro, 1, "inconclusive", {{"store_path", path}, {"reason", "the activation report could not be read"}}));
  CHECK(given["state"] == "unverified");
  CHECK(given["reason"] == "the activation report could not be read");
  CHECK(given["since"].is_number());
  CHECK(distro.agent_status()["verification"]["state"] == "unverified");

  // A pass, then a new check that ends without a verdict: the pass's probation is void.
  REQUIRE(result_of(record(distro, 1, "passed"))["probation"]["state"] == "running");
  const auto plain = result_of(record(distro, 1, "inconclusive"));
  CHECK(plain["state"] == "unverified");
  CHECK(plain["reason"] == "the boot check ended without a verdict");
  CHECK(plain["probation"]["state"] == "voided");

  const auto bogus = record(distro, 1, "maybe");
  INFO(bogus.dump());
  REQUIRE(bogus.contains("error"));
  CHECK(bogus["error"]["code"] == -32602);
  CHECK(bogus["error"]["message"].get<std::string>().ends_with(
      "outcome must be started, passed, failed or inconclusive"));
}
