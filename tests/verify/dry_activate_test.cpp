// The dry-activate preview, on the miniature distro: a rebuild job in mode dry-activate runs the
// given system's switch-to-configuration dry-activate (the toy generations print what nixpkgs'
// prints) and reports what activating it would stop, restart, reload and start; nothing changes.
#include "catch.hpp"
#include "mini_distro.hpp"

#include "nixtray/testing/timeouts.hpp"

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string service(const std::string& description, const std::string& extra = "") {
  return "[Unit]\nDescription=" + description + "\n\n[Service]\nExecStart=/bin/sleep infinity\n" + extra;
}

json finished_job(const MiniDistro& distro, const std::string& id) {
  json job;
  REQUIRE(wait_until(
      [&] {
        job = distro.agent_call("jobs.get", {{"id", id}})["result"];
        return job["state"] != "running";
      },
      scaled(60s), 100ms));
  return job;
}

}  // namespace

TEST_CASE("dry-activate of a generation lists what activating it would stop, restart, reload and start") {
  MiniDistro distro;
  auto running = distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)");
  running.units["removed.service"] = service("gone in the next generation");
  running.units["changed.service"] = service("changed: stopped and started");
  running.units["restarted.service"] = service("changed: restarted", "X-StopIfChanged=false\n");
  running.units["reloaded.service"] = service("changed: reloaded", "X-ReloadIfChanged=true\n");
  running.units["kept.service"] = service("changed: left running", "X-RestartIfChanged=false\n");
  running.units["same.service"] = service("unchanged");
  REQUIRE(distro.add_generation(running) == 1);
  auto next = distro.good_generation("24.11.20241215.bbbbbbb (Vicuna)");
  next.units["changed.service"] = service("changed: stopped and started", "Environment=VERSION=2\n");
  next.units["restarted.service"] = service("changed: restarted", "X-StopIfChanged=false\nEnvironment=VERSION=2\n");
  next.units["reloaded.service"] = service("changed: reloaded", "X-ReloadIfChanged=true\nEnvironment=VERSION=2\n");
  next.units["kept.service"] = service("changed: left running", "X-RestartIfChanged=false\nEnvironment=VERSION=2\n");
  next.units["same.service"] = service("unchanged");
  next.units["new.service"] = service("new in this generation");
  distro.start();
  REQUIRE(distro.add_generation(next) == 2);
  const auto next_path = distro.store().list_generations().back().store_path.string();

  const auto started =
      distro.agent_call("jobs.start", {{"kind", "rebuild"}, {"mode", "dry-activate"}, {"system", next_path}});
  INFO(started.dump());
  REQUIRE(started.contains("result"));
  const auto job = finished_job(distro, started["result"]["id"]);
  INFO(job.dump(2));
  REQUIRE(job["state"] == "succeeded");
  CHECK(job["args"]["mode"] == "dry-activate");
  CHECK(job["result_path"] == next_path);
  const auto& preview = job["dry_activation"];
  REQUIRE(preview.is_object());
  CHECK(preview["stop"] == json::array({"changed.service", "removed.service"}));
  CHECK(preview["start"] == json::array({"changed.service"}));
  CHECK(preview["restart"] == json::array({"restarted.service"}));
  CHECK(preview["reload"] == json::array({"reloaded.service"}));
  CHECK(preview["not_stopped"] == json::array({"kept.service"}));
  CHECK(preview["restart_systemd"] == false);
  CHECK(preview["other"].empty());
  // The job log has switch-to-configuration's own lines.
  const auto log = distro.agent_call("jobs.log", {{"id", started["result"]["id"]}})["result"]["lines"].dump();
  CHECK(log.find("would stop the following units: changed.service, removed.service") != std::string::npos);

  // Nothing was activated: generation 1 still runs, its units untouched.
  const auto status = distro.agent_status();
  CHECK(status["generations"]["current"] == 1);
  CHECK(status["generations"]["booted"] == 1);
  const auto units = distro.agent_call("units.list")["result"]["units"];
  for (const auto& unit : units) {
    if (unit["name"] == "removed.service") CHECK(unit["active_state"] == "active");
  }
}

TEST_CASE("dry-activate needs a system jobs.start would activate") {
  MiniDistro distro;
  distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)"));
  distro.start();
  const auto path = distro.store().list_generations().back().store_path.string();

  const auto without = distro.agent_call("jobs.start", {{"kind", "rebuild"}, {"mode", "dry-activate"}});
  CHECK(without["error"]["code"] == -32602);
  CHECK(without["error"]["message"].get<std::string>().find("give system") != std::string::npos);
  const auto inside =
      distro.agent_call("jobs.start", {{"kind", "rebuild"}, {"mode", "dry-activate"}, {"system", path + "/sw"}});
  INFO(inside.dump());
  CHECK(inside["error"]["code"] == -32005);
  CHECK(distro.agent_call("jobs.list")["result"]["jobs"].empty());
}
