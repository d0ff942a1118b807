// Several targets watched by one tray (TargetFleet, issue 21): real agents on temporary sockets,
// one reached through exec: with the agent's bridge relaying stdio to its socket (standing for
// `exec:ssh host nixtray-agent bridge`), each target with the command distro control; for a
// rebuild, an agent in the namespaced-systemd harness on a relocated store (jobs_fixture.hpp).
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "link_fixtures.hpp"

#include "core/targets/target_fleet.hpp"

#include <fstream>
#include <map>

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;
using protocol::json;

namespace {

// A target reached at `agent`, its distro running while `running_check` says so.
TraySettings target(const std::string& name, const std::string& agent, const std::string& running_check) {
  TraySettings t;
  t.name = name;
  t.distro = "NixOS-" + name;
  t.agent = agent;
  t.auto_verify_after_rebuild = false;
  t.distro_control.kind = "command";
  t.distro_control.start = "/bin/false";
  t.distro_control.stop = "/bin/true";
  t.distro_control.is_running = running_check;
  return t;
}

std::string socket_exists(const testing::TestAgent& agent) { return "/usr/bin/test -S " + agent.socket().string(); }

struct FleetRun {
  explicit FleetRun(const std::filesystem::path& settings_file) {
    std::vector<std::string> problems;
    auto setups = target_setups(settings_file, SessionUse{"nixtray-test", true, 5s, 10s}, true, problems);
    CHECK(problems.empty());
    FleetCallbacks callbacks;
    callbacks.on_state = [this](const std::string& name, const TrayState& state) { states[name] = state; };
    callbacks.on_notification = [this](const std::string& name, const Notification& n) {
      notifications.emplace_back(name, n);
    };
    fleet = std::make_unique<TargetFleet>(watcher.io.get_executor(), std::move(setups), std::move(callbacks));
    fleet->start();
  }
  ~FleetRun() {
    fleet->stop();
    watcher.io.restart();
    watcher.io.run_for(testing::scaled(5s));
  }

  [[nodiscard]] bool synced(const std::string& name) const {
    const auto found = states.find(name);
    return found != states.end() && found->second.synced && is_connected(found->second);
  }

  LinkWatcher watcher;  // its io_context and run_until
  std::unique_ptr<TargetFleet> fleet;
  std::map<std::string, TrayState> states;
  std::vector<std::pair<std::string, Notification>> notifications;
};

}  // namespace

TEST_CASE("one tray watches three targets: each on its own, named, the worst one on the icon") {
  PlainDistro daily_distro;
  PlainDistro test_distro;
  PlainDistro server_distro;
  testing::TestAgent daily(daily_distro.agent_options());
  testing::TestAgent test(test_distro.agent_options());
  testing::TestAgent server(server_distro.agent_options());
  testing::TempDir home("nxf");
  const auto settings_file = home / "settings.json";

  // The single-distro settings of an earlier version, with what the host remembered...
  std::ofstream(settings_file) << json{
      {"version", 1},
      {"distro", "daily"},
      {"agent", "unix:" + daily.socket().string()},
      {"auto_verify_after_rebuild", false},
      {"distro_control",
       {{"kind", "command"}, {"start", "/bin/false"}, {"stop", "/bin/true"}, {"is_running", socket_exists(daily)}}},
      {"distros",
       {{"daily",
         {{"known_good", 1}}}}}}.dump();
  // ...and two targets added to it: one whose agent dies without its distro stopping, one reached
  // through exec: (a relay of stdio to the socket, as ssh would be), and one nobody watches.
  SettingsFile file(settings_file);
  file.update([&](SettingsDocument& document) {
    document.put(target("test", "unix:" + test.socket().string(), "/bin/true"));
    document.put(target("server",
                        "exec:\"" + testing::agent_binary().string() + "\" bridge --socket " + server.socket().string(),
                        socket_exists(server)));
    auto ignored = target("ignored", "unix:" + (home / "none.sock").string(), "/bin/true");
    ignored.watch = false;
    document.put(ignored);
  });

  FleetRun run(settings_file);
  CHECK(run.fleet->names() == std::vector<std::string>{"daily", "test", "server"});
  REQUIRE(run.watcher.run_until([&] { return run.synced("daily") && run.synced("test") && run.synced("server"); }));
  // The migrated target kept what the host remembered.
  REQUIRE(run.fleet->session("daily")->record());
  CHECK(run.fleet->session("daily")->record()->known_good == 1);
  // These agents run without systemd (it "does not answer": degraded), the same for each.
  auto view = run.fleet->view();
  const auto healthy = run.states["daily"].condition;
  CHECK(view.icon == present(run.states["daily"], "daily").icon);
  CHECK(view.tooltip.find("\ndaily: ") != std::string::npos);
  CHECK(view.tooltip.find("\nserver: ") != std::string::npos);
  CHECK(view.tooltip.find("ignored") == std::string::npos);

  // The test target's agent dies while its distro runs: that target is unreachable, the icon says
  // so and names it, and the others stay connected.
  test.kill();
  REQUIRE(run.watcher.run_until([&] { return run.states["test"].condition == TrayCondition::unreachable; }, 30s));
  view = run.fleet->view();
  CHECK(view.icon == IconId::unreachable);
  CHECK(view.worst_target == "test");
  CHECK(view.tooltip.find("test: unreachable") != std::string::npos);
  CHECK(run.synced("daily"));
  CHECK(run.synced("server"));
  CHECK(run.states["daily"].condition == healthy);

  // The server's distro stops by itself: its notification names it; its icon share is "stopped",
  // which does not hide the unreachable test target.
  ::kill(server.pid(), SIGTERM);
  REQUIRE(run.watcher.run_until([&] { return run.states["server"].condition == TrayCondition::stopped; }, 30s));
  REQUIRE(run.watcher.run_until([&] {
    return std::any_of(run.notifications.begin(), run.notifications.end(), [](const auto& named) {
      return named.first == "server" && named.second.kind == NotificationKind::distro_stopped;
    });
  }));
  for (const auto& [name, notification] : run.notifications) {
    CHECK(name == "server");
    CHECK(notification.target == "server");  // the GUI puts it before the title
  }
  CHECK(run.fleet->view().worst_target == "test");
  CHECK(run.synced("daily"));
}

TEST_CASE("a target that never answers does not hold up the others") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  testing::TempDir home("nxf");
  SettingsFile file(home / "settings.json");
  file.update([&](SettingsDocument& document) {
    // exec: a program that takes the connection and never says a word.
    document.put(target("silent", "exec:/bin/sleep 600", "/bin/true"));
    document.put(target("daily", "unix:" + agent.socket().string(), socket_exists(agent)));
  });
  FleetRun run(home / "settings.json");
  REQUIRE(run.watcher.run_until([&] { return run.synced("daily"); }, 10s));
  CHECK_FALSE(run.synced("silent"));
  CHECK(run.fleet->view().tooltip.find("silent: connecting") != std::string::npos);
}

TEST_CASE("a rebuild on one target holds up no other: the other's link reports while the rebuild waits") {
  testing::JobsFixture f;  // generation 1 runs; the configuration builds hello 2.12.2
  PlainDistro quiet_distro;
  testing::TestAgent quiet(quiet_distro.agent_options());
  testing::TempDir home("nxf");
  SettingsFile file(home / "settings.json");
  file.update([&](SettingsDocument& document) {
    auto busy = target("busy", "unix:" + f.agent->socket().string(), "/bin/true");
    busy.review_rebuild = true;  // the build job runs, then the rebuild waits for the person's answer
    document.put(busy);
    document.put(target("quiet", "unix:" + quiet.socket().string(), "/bin/true"));
    document.default_target = "busy";
    document.remove("NixOS");
  });

  FleetRun run(file.path());
  REQUIRE(run.watcher.run_until([&] { return run.synced("busy") && run.synced("quiet"); }));
  const auto busy = run.fleet->session("busy");
  busy->perform(MenuCommand{MenuAction::rebuild, protocol::RebuildMode::switch_});
  REQUIRE(run.watcher.run_until(
      [&] { return busy->rebuild_flow().step() == RebuildStep::reviewing || !busy->rebuild_flow().active(); }, 180s));
  INFO("agent log:\n" << f.agent->log());
  REQUIRE(busy->rebuild_flow().step() == RebuildStep::reviewing);

  // Mid-rebuild on busy, the quiet target's agent dies: its own link sees it at once.
  quiet.kill();
  REQUIRE(run.watcher.run_until([&] { return run.states["quiet"].condition == TrayCondition::unreachable; }, 30s));
  CHECK(busy->rebuild_flow().step() == RebuildStep::reviewing);
  CHECK(run.fleet->view().worst_target == "quiet");

  // The rebuild goes on when answered, as if nothing had happened elsewhere.
  busy->answer_rebuild_review(true);
  REQUIRE(run.watcher.run_until([&] { return !busy->rebuild_flow().active(); }, 180s));
  INFO("failure: " << busy->rebuild_flow().failure());
  CHECK(busy->rebuild_flow().step() == RebuildStep::finished);
  CHECK(f.agent->status()["generations"]["default"] == 2);
}
