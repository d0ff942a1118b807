// The agent tells the truth about systemd, pushed: a real systemd (harness namespace), the agent
// running inside it as a service, clients on the host. No timing assertions: generous scaled
// deadlines only.
#include "catch.hpp"
#include "raw_client.hpp"
#include "systemd_fixture.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unit_files.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <optional>
#include <thread>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string fail_unit = UnitFiles::kFail;
const std::string ok_unit = UnitFiles::kOk;

bool unit_in_state(const json& units, const std::string& name, const std::string& active_state) {
  const auto* unit = find_unit(units, name);
  return unit && (*unit)["active_state"] == active_state;
}

bool state_is(const json& status, const std::string& state) { return status["system_state"] == state; }

// Events arrive in the order the agent produced them, which a test should not assume between
// topics: the event may already be among those read while waiting for another one.
std::optional<json> seen_or_wait(RawClient& client, std::vector<json>& seen, const std::string& topic,
                                 const std::function<bool(const json&)>& pred) {
  for (const auto& event : seen) {
    if (event["topic"] == topic && pred(event["data"])) {
      return event["data"];
    }
  }
  return wait_for_event(client, topic, pred, 20s, &seen);
}

std::string describe(const std::vector<json>& events) {
  std::string text;
  for (const auto& event : events) {
    text += event.dump() + "\n";
  }
  return text;
}

// Fails a unit while a client watches, and checks every way the agent tells about it.
void check_failure_is_pushed(SystemdAgent& agent) {
  auto watcher = agent.subscriber({"status", "units"});
  agent.ns().set_unit_failing(true);

  std::vector<json> seen;
  const auto units_event = wait_for_event(
      watcher, "units", [](const json& data) { return unit_in_state(data["changed"], fail_unit, "failed"); }, 20s,
      &seen);
  INFO("events:\n" << describe(seen) << "agent log:\n" << agent.log());
  REQUIRE(units_event);
  const auto* failed = find_unit((*units_event)["changed"], fail_unit);
  CHECK((*failed)["result"] == "exit-code");
  CHECK((*failed)["sub_state"] == "failed");
  CHECK((*failed)["load_state"] == "loaded");
  CHECK((*failed)["since"].is_number_integer());
  CHECK(find_unit((*units_event)["changed"], ok_unit) == nullptr);  // only what changed

  const auto status_event = seen_or_wait(watcher, seen, "status", [](const json& data) {
    return state_is(data, "degraded") && find_unit(data["failed_units"], fail_unit);
  });
  REQUIRE(status_event);

  const auto status = agent.status();
  CHECK(status["system_state"] == "degraded");
  CHECK(find_unit(status["failed_units"], fail_unit) != nullptr);
  CHECK(status["systemd_jobs"].is_number_integer());
}

void check_recovery_is_pushed(SystemdAgent& agent) {
  auto watcher = agent.subscriber({"status", "units"});
  agent.ns().set_unit_failing(false);
  std::vector<json> seen;
  const auto units_event = seen_or_wait(
      watcher, seen, "units", [](const json& data) { return unit_in_state(data["changed"], fail_unit, "active"); });
  const auto status_event = seen_or_wait(watcher, seen, "status", [](const json& data) {
    return state_is(data, "running") && data["failed_units"].empty();
  });
  INFO("events:\n" << describe(seen) << "agent log:\n" << agent.log());
  CHECK(units_event);
  CHECK(status_event);
  CHECK(agent.status()["failed_units"].empty());
}

}  // namespace

TEST_CASE("the agent inside systemd reports running, a failed unit, and the recovery", "[systemd]") {
  SystemdAgent agent;
  const auto initial = agent.wait_for_status([](const json& s) { return state_is(s, "running"); });
  INFO("agent log:\n" << agent.log());
  REQUIRE(initial["system_state"] == "running");
  CHECK(initial["failed_units"].empty());
  CHECK(initial["systemd_jobs"] == 0);

  check_failure_is_pushed(agent);

  const auto failed_only = agent.call("units.list", {{"failed_only", true}})["result"]["units"];
  REQUIRE(failed_only.size() == 1);
  CHECK(failed_only[0]["name"] == fail_unit);

  // The unit's own output (its ExecStartPre) and systemd's message about it.
  const auto log = agent.call("units.log", {{"unit", fail_unit}, {"lines", 20}});
  INFO(log.dump());
  REQUIRE(log.contains("result"));
  CHECK(log["result"]["unit"] == fail_unit);
  const auto& lines = log["result"]["lines"];
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.size() <= 20);
  bool saw_own_output = false;
  std::int64_t previous = 0;
  for (const auto& line : lines) {
    saw_own_output =
        saw_own_output || line["message"].get<std::string>().find("failing on demand") != std::string::npos;
    CHECK(line["time"].get<std::int64_t>() >= previous);  // oldest first
    previous = line["time"].get<std::int64_t>();
    CHECK(line["priority"].is_number_integer());
  }
  CHECK(saw_own_output);
  CHECK(agent.call("units.log", {{"unit", fail_unit}, {"lines", 1}})["result"]["lines"].size() == 1);

  // The same through the command line, for people and for scripts.
  const auto cli = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {agent_binary().string(), "--socket", agent.socket().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  };
  const auto failed_text = cli({"units", "--failed"});
  INFO(failed_text.describe());
  CHECK(failed_text.ok());
  CHECK(failed_text.out.find(fail_unit) != std::string::npos);
  CHECK(failed_text.out.find("1 loaded units listed.") != std::string::npos);
  CHECK(failed_text.out.find(ok_unit) == std::string::npos);
  const auto failed_json = cli({"--json", "units", "--failed"});
  CHECK(json::parse(failed_json.out)["units"].size() == 1);
  const auto log_text = cli({"units-log", fail_unit, "--lines", "5"});
  INFO(log_text.describe());
  CHECK(log_text.ok());
  CHECK(log_text.out.find("failing on demand") != std::string::npos);
  CHECK(cli({"units-log", "no-such-unit.service"}).exit_code() == 1);

  check_recovery_is_pushed(agent);
}

TEST_CASE("units.list answers systemd's loaded units, sorted, units.log knows real units only", "[systemd]") {
  SystemdAgent agent;
  agent.wait_for_status([](const json& s) { return state_is(s, "running"); });
  auto client = RawClient::unix_socket(agent.socket());
  const auto methods = client.hello()["result"]["methods"];
  CHECK(std::find(methods.begin(), methods.end(), "units.list") != methods.end());
  CHECK(std::find(methods.begin(), methods.end(), "units.log") != methods.end());

  const auto units = agent.call("units.list")["result"]["units"];
  INFO(units.dump(1));
  REQUIRE(units.size() > 5);
  for (std::size_t i = 1; i < units.size(); ++i) {
    CHECK(units[i - 1]["name"].get<std::string>() < units[i]["name"].get<std::string>());
  }
  const auto* ok = find_unit(units, ok_unit);
  REQUIRE(ok != nullptr);
  CHECK((*ok)["active_state"] == "active");
  CHECK((*ok)["sub_state"] == "running");
  CHECK((*ok)["result"] == "success");
  CHECK((*ok)["since"].is_number_integer());
  const auto* target = find_unit(units, "sysinit.target");
  REQUIRE(target != nullptr);
  CHECK((*target)["result"] == "");                        // not a service
  CHECK(find_unit(units, SystemdAgent::unit) != nullptr);  // the agent sees itself
  CHECK(agent.call("units.list", {{"failed_only", true}})["result"]["units"].empty());

  // A loaded unit that logged nothing (the harness's PID 1 does not log to the journal either)
  // is not an error.
  const auto ok_log = agent.call("units.log", {{"unit", ok_unit}});
  INFO(ok_log.dump());
  CHECK(ok_log["result"]["lines"].is_array());

  const auto unknown = agent.call("units.log", {{"unit", "no-such-unit.service"}});
  CHECK(unknown["error"]["code"] == -32003);
  CHECK(unknown["error"]["message"].get<std::string>().find("no-such-unit.service") != std::string::npos);
  CHECK(agent.call("units.log", {{"unit", ok_unit}, {"lines", 0}})["error"]["code"] == -32602);
}

TEST_CASE("a units event carries the units that changed, as they are now", "[systemd]") {
  SystemdAgent agent;
  agent.wait_for_status([](const json& s) { return state_is(s, "running"); });
  auto watcher = agent.subscriber({"units"});
  agent.ns().systemctl({"start", "--no-block", UnitFiles::kSlow});
  std::vector<json> seen;
  const auto starting = wait_for_event(
      watcher, "units", [](const json& data) { return unit_in_state(data["changed"], UnitFiles::kSlow, "activating"); },
      20s, &seen);
  INFO("events:\n" << describe(seen));
  REQUIRE(starting);
  for (const auto& unit : (*starting)["changed"]) {
    CHECK(unit["name"] != ok_unit);
  }
  // A transient unit comes and goes: it is reported, then named in `removed`.
  const std::string transient = "nixtray-test-transient.service";
  agent.ns().run_inside({"/bin/systemd-run", "--quiet", "--unit=nixtray-test-transient", "/bin/sleep", "infinity"});
  CHECK(wait_for_event(
      watcher, "units", [&](const json& data) { return unit_in_state(data["changed"], transient, "active"); }, 20s,
      &seen));
  agent.ns().systemctl({"stop", transient});  // a stopped transient unit is unloaded at once
  const auto removed = wait_for_event(
      watcher, "units",
      [](const json& data) {
        for (const auto& name : data["removed"]) {
          if (name == "nixtray-test-transient.service") return true;
        }
        return false;
      },
      20s, &seen);
  CHECK(removed);
  CHECK(find_unit(agent.call("units.list")["result"]["units"], "nixtray-test-transient.service") == nullptr);
  agent.ns().systemctl({"stop", UnitFiles::kSlow});
}

TEST_CASE("after a daemon-reload the agent has the units' new descriptions", "[systemd]") {
  SystemdAgent agent;
  agent.wait_for_status([](const json& s) { return state_is(s, "running"); });
  const std::string unit = "nixtray-test-reload.service";
  const auto unit_text = [](const std::string& description) {
    return "[Unit]\nDescription=" + description + "\n\n[Service]\nExecStart=/bin/sleep infinity\n";
  };
  agent.ns().install_unit(unit, unit_text("before the reload"));
  auto watcher = agent.subscriber({"units"});
  agent.ns().systemctl({"start", unit});
  std::vector<json> seen;
  CHECK(wait_for_event(
      watcher, "units", [&](const json& data) { return unit_in_state(data["changed"], unit, "active"); }, 20s, &seen));

  agent.ns().install_unit(unit, unit_text("after the reload"));  // rewrites the file, then daemon-reload
  const auto renamed = seen_or_wait(watcher, seen, "units", [&](const json& data) {
    const auto* changed = find_unit(data["changed"], unit);
    return changed && (*changed)["description"] == "after the reload";
  });
  INFO("events:\n" << describe(seen));
  CHECK(renamed);
  const auto units = agent.call("units.list")["result"]["units"];
  const auto* listed = find_unit(units, unit);
  REQUIRE(listed != nullptr);
  CHECK((*listed)["description"] == "after the reload");
  agent.ns().systemctl({"stop", unit});
}

TEST_CASE("systemd re-executing while a client watches: the agent follows it back", "[systemd]") {
  SystemdAgent agent;
  agent.wait_for_status([](const json& s) { return state_is(s, "running"); });
  auto watcher = agent.subscriber({"status"});
  const auto reexec = agent.ns().systemctl({"daemon-reexec"});
  INFO(reexec.describe());
  REQUIRE(reexec.ok());
  // Offline for a moment (or not even that), then running again.
  const auto back = agent.wait_for_status([](const json& s) { return state_is(s, "running"); });
  INFO("agent log:\n" << agent.log());
  REQUIRE(back["system_state"] == "running");
  // And still subscribed to systemd's signals: a failure is pushed as before.
  check_failure_is_pushed(agent);
  check_recovery_is_pushed(agent);
}

TEST_CASE("without the system bus the agent uses systemd's private socket, and survives a re-exec", "[systemd]") {
  SystemdAgent agent({.without_system_bus = true});
  const auto initial = agent.wait_for_status([](const json& s) { return state_is(s, "running"); });
  INFO("agent log:\n" << agent.log());
  REQUIRE(initial["system_state"] == "running");
  CHECK(agent.log().find("/run/systemd/private") != std::string::npos);
  check_failure_is_pushed(agent);

  // A re-exec closes systemd's direct connections: the agent reconnects and resynchronizes.
  auto watcher = agent.subscriber({"status"});
  REQUIRE(agent.ns().systemctl({"daemon-reexec"}).ok());
  const auto after = agent.wait_for_status([](const json& s) { return state_is(s, "degraded"); });
  CHECK(find_unit(after["failed_units"], fail_unit) != nullptr);
  check_recovery_is_pushed(agent);
}

TEST_CASE("without systemd the agent reports offline and keeps serving", "[systemd]") {
  // Run on the host with the system bus pointed at nothing: an explicit address also rules out
  // the host's own /run/systemd/private, so the host's systemd (if any) is never touched.
  TempDir nowhere("nxnobus");
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS", ("unix:path=" + (nowhere.path() / "no-bus").string()).c_str(), 1);
  TestAgent agent;
  ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  auto client = RawClient::unix_socket(agent.socket());
  REQUIRE(client.hello().contains("result"));
  json status;
  wait_until(
      [&] {
        client.request(5, "status");
        status = client.response(5).value_or(json::object())["result"];
        return status["system_state"] == "offline";
      },
      scaled(10s), 50ms);
  INFO(status.dump() << "\n" << agent.log());
  CHECK(status["system_state"] == "offline");
  CHECK(status["failed_units"].empty());
  CHECK(status["systemd_jobs"] == 0);
  client.request(6, "units.list");
  CHECK(client.response(6).value_or(json::object())["result"]["units"].empty());
  client.request(7, "units.log", {{"unit", "anything.service"}, {"lines", 5}});
  CHECK(client.response(7).value_or(json::object()).contains("result"));  // cannot tell: no lines, no error

  // One clear line, not one per retry; still alive and serving after a few retries.
  std::this_thread::sleep_for(scaled(1500ms));
  const auto log = agent.log();
  std::size_t warnings = 0;
  for (auto at = log.find("cannot reach systemd"); at != std::string::npos;
       at = log.find("cannot reach systemd", at + 1)) {
    ++warnings;
  }
  INFO(log);
  CHECK(warnings == 1);
  CHECK(agent.running());
  client.request(8, "status");
  CHECK(client.response(8).value_or(json::object())["result"]["system_state"] == "offline");
}
