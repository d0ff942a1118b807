#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/state/menu_model.hpp"

#include <functional>
#include <set>

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

MenuContext wsl_context() {
  MenuContext context;
  context.distro_name = "NixOS";
  context.has_lifecycle = true;
  context.flake = "/etc/nixos#nixos";
  return context;
}

std::vector<std::string> top_level_ids(const MenuModel& menu) {
  std::vector<std::string> ids;
  for (const auto& item : menu.items) {
    if (item.kind != MenuItem::Kind::separator) ids.push_back(item.id);
  }
  return ids;
}

}  // namespace

TEST_CASE("the menu of a running distro") {
  const auto menu = MenuModel::build(connected(), wsl_context());
  CHECK(top_level_ids(menu) == std::vector<std::string>{"header", "distro/stop", "rebuild", "update", "verify-boot",
                                                        "rollback", "terminal", "status-window", "space", "settings",
                                                        "start-at-login", "quit"});
  // Update… changes nothing by itself: its window asks once the update is built.
  const auto* update = menu.find("update");
  REQUIRE(update);
  CHECK(update->enabled);
  CHECK(update->command.action == MenuAction::update);
  CHECK_FALSE(update->confirm);
  const auto* header = menu.find("header");
  REQUIRE(header);
  CHECK(header->label == "NixOS 24.11 \xE2\x80\x94 gen 42, running");
  CHECK_FALSE(header->enabled);

  const auto* stop = menu.find("distro/stop");
  REQUIRE(stop);
  CHECK(stop->enabled);
  REQUIRE(stop->confirm);
  CHECK(stop->confirm->question.english().find("ends every open session") != std::string::npos);

  const auto* verify = menu.find("verify-boot");
  REQUIRE(verify);
  CHECK(verify->enabled);
  REQUIRE(verify->confirm);
  CHECK(verify->confirm->question.english().find("restarts NixOS") != std::string::npos);
  CHECK(verify->confirm->question.english().find("Every open session") != std::string::npos);

  const auto* login = menu.find("start-at-login");
  REQUIRE(login);
  REQUIRE(login->checked);
  CHECK_FALSE(*login->checked);
}

TEST_CASE("with WSL, the whole VM can be shut down too, after a confirmation that says every distro stops") {
  auto context = wsl_context();
  CHECK_FALSE(MenuModel::build(connected(), context).find("distro/shutdown-all"));
  context.can_shut_down_all = true;
  const auto menu = MenuModel::build(connected(), context);
  const auto* all = menu.find("distro/shutdown-all");
  REQUIRE(all);
  CHECK(all->enabled);
  CHECK(all->command.action == MenuAction::shutdown_all_distros);
  REQUIRE(all->confirm);
  CHECK(all->confirm->question.english().find("every WSL distro") != std::string::npos);
  CHECK(all->confirm->question.english().find("NixOS") != std::string::npos);
}

TEST_CASE("rebuild offers switch, boot and test with the configured flake") {
  const auto menu = MenuModel::build(connected(), wsl_context());
  const auto* rebuild = menu.find("rebuild");
  REQUIRE(rebuild);
  CHECK(rebuild->kind == MenuItem::Kind::submenu);
  CHECK(menu.find("rebuild/flake")->label == "Flake: /etc/nixos#nixos");
  CHECK(menu.find("rebuild/review"));
  const auto* boot = menu.find("rebuild/boot");
  REQUIRE(boot);
  CHECK(boot->enabled);
  CHECK(boot->command.action == MenuAction::rebuild);
  CHECK(boot->command.mode == protocol::RebuildMode::boot);
  CHECK(menu.find("rebuild/switch")->command.mode == protocol::RebuildMode::switch_);
  CHECK(menu.find("rebuild/test")->command.mode == protocol::RebuildMode::test);

  auto context = wsl_context();
  context.flake.reset();
  context.review_rebuild = false;
  const auto plain = MenuModel::build(connected(), context);
  CHECK(plain.find("rebuild/flake")->label == "Flake: the agent's default");
  CHECK_FALSE(plain.find("rebuild/review"));
}

TEST_CASE("rebuild and verify: mode boot, asks first, only where the tray controls the distro's lifecycle") {
  const auto menu = MenuModel::build(connected(), wsl_context());
  const auto* verified = menu.find("rebuild/verify");
  REQUIRE(verified);
  CHECK(verified->enabled);
  CHECK(verified->command.action == MenuAction::rebuild_and_verify);
  CHECK(verified->command.mode == protocol::RebuildMode::boot);
  REQUIRE(verified->confirm);
  CHECK(verified->confirm->question.english().find("roll back to the last known-good generation") != std::string::npos);

  auto local = wsl_context();
  local.has_lifecycle = false;
  CHECK_FALSE(MenuModel::build(connected(), local).find("rebuild/verify"));
}

TEST_CASE("with \"Verify boot after each rebuild\", Switch and Boot say so and ask first: the restart ends sessions") {
  auto context = wsl_context();
  context.verify_after_rebuild = true;
  const auto menu = MenuModel::build(connected(), context);
  for (const auto* id : {"rebuild/switch", "rebuild/boot"}) {
    const auto* item = menu.find(id);
    REQUIRE(item);
    CHECK(item->label.find(", then verify boot") != std::string::npos);
    REQUIRE(item->confirm);
    CHECK(item->confirm->question.english().find("Every open session in the distro ends") != std::string::npos);
  }
  const auto* test = menu.find("rebuild/test");
  REQUIRE(test);
  CHECK_FALSE(test->confirm);
  // A plain switch stays available, labelled as such, and says it skips the check.
  const auto* unverified = menu.find("rebuild/switch-unverified");
  REQUIRE(unverified);
  CHECK(unverified->label == "Switch (activate now) \xE2\x80\x94 without boot verification");
  CHECK(unverified->command.action == MenuAction::rebuild);
  CHECK(unverified->command.mode == protocol::RebuildMode::switch_);
  CHECK(unverified->command.without_verify);
  CHECK_FALSE(unverified->confirm);

  auto off = wsl_context();
  off.verify_after_rebuild = false;
  const auto plain = MenuModel::build(connected(), off);
  CHECK_FALSE(plain.find("rebuild/switch-unverified"));
  CHECK_FALSE(plain.find("rebuild/switch")->confirm);
  CHECK(plain.find("rebuild/switch")->label == "Switch (activate now) \xE2\x80\x94 without boot verification");
}

TEST_CASE("roll back lists recent generations and marks the known-good one") {
  const auto menu = MenuModel::build(connected(), wsl_context());
  const auto* rollback = menu.find("rollback");
  REQUIRE(rollback);
  REQUIRE(rollback->children.size() == 3);
  const auto* current = menu.find("rollback/42");
  REQUIRE(current);
  CHECK_FALSE(current->enabled);
  CHECK(current->disabled_reason.find("is the system already") != std::string::npos);
  const auto* good = menu.find("rollback/41");
  REQUIRE(good);
  CHECK(good->enabled);
  CHECK(good->label.find("known good") != std::string::npos);
  CHECK(good->command.generation == 41);
  REQUIRE(good->confirm);
  CHECK(menu.find("rollback/40")->label.find("known good") == std::string::npos);
  CHECK(menu.find("rollback/40")->label.find("2024-") != std::string::npos);
}

TEST_CASE("roll back shows at most the configured number of generations") {
  auto state = connected();
  std::vector<protocol::Generation> many;
  for (int n = 30; n >= 1; --n) many.push_back(generation(n, n == 30));
  state = fold(state, {GenerationsReceived{many}});
  auto context = wsl_context();
  context.max_rollback_entries = 8;
  CHECK(MenuModel::build(state, context).find("rollback")->children.size() == 8);
}

TEST_CASE("a generation with a problem cannot be rolled back to, and says why") {
  auto state = connected();
  auto generations = state.generations;
  generations[2].problem = "system-40-link points to a store path that does not exist";
  state = fold(state, {GenerationsReceived{generations}});
  const auto menu = MenuModel::build(state, wsl_context());
  const auto* item = menu.find("rollback/40");
  REQUIRE(item);
  CHECK_FALSE(item->enabled);
  CHECK(item->disabled_reason == "system-40-link points to a store path that does not exist");
}

TEST_CASE("failed units are listed up to five, then n more") {
  auto status = running_status();
  status.system_state = protocol::SystemState::degraded;
  for (int i = 1; i <= 7; ++i) status.failed_units.push_back(failed_unit("unit" + std::to_string(i) + ".service"));
  const auto menu = MenuModel::build(connected(status), wsl_context());
  int units = 0;
  for (const auto& item : menu.items) {
    if (item.id.starts_with("unit/")) ++units;
  }
  CHECK(units == 5);
  const auto* unit = menu.find("unit/unit1.service");
  REQUIRE(unit);
  CHECK(unit->command.action == MenuAction::show_unit);
  CHECK(unit->command.unit == "unit1.service");
  const auto* more = menu.find("units/more");
  REQUIRE(more);
  CHECK(more->label.starts_with("2 more"));
  CHECK(more->command.action == MenuAction::show_status_window);
}

TEST_CASE("the local distro control hides Start, Shut down and Verify boot") {
  MenuContext context;
  context.has_lifecycle = false;
  const auto menu = MenuModel::build(connected(), context);
  CHECK_FALSE(menu.find("distro/stop"));
  CHECK_FALSE(menu.find("distro/start"));
  CHECK_FALSE(menu.find("verify-boot"));
  CHECK(menu.find("rebuild"));
  CHECK(menu.find("rollback"));
}

TEST_CASE("a stopped distro offers Start, actions that need the agent say why they are disabled") {
  auto state = connected();
  state = fold(state, {UserRequestedStop{}, LinkUnreachable{UnreachableReason::connection_lost, "", 1s, true, true},
                       DistroPowerObserved{DistroPower::stopped, ""}});
  const auto menu = MenuModel::build(state, wsl_context());
  const auto* start = menu.find("distro/start");
  REQUIRE(start);
  CHECK(start->enabled);
  CHECK_FALSE(start->confirm);
  CHECK_FALSE(menu.find("distro/stop"));
  const auto* rebuild = menu.find("rebuild/switch");
  REQUIRE(rebuild);
  CHECK_FALSE(rebuild->enabled);
  CHECK(rebuild->disabled_reason == "the distro is not running");
  const auto* terminal = menu.find("terminal");
  CHECK(terminal->enabled);  // it starts the distro first, and says so
  CHECK(terminal->label == "Open terminal (starts the distro)");
  // The generations seen last are still listed, for orientation.
  CHECK(menu.find("rollback/41"));
  CHECK_FALSE(menu.find("rollback/41")->enabled);
}

TEST_CASE("a read-only connection cannot rebuild or roll back, and says why") {
  auto state = fold(TrayState{}, {LinkConnected{hello(false), "unix:/x"}, StatusReceived{running_status()}});
  const auto menu = MenuModel::build(state, wsl_context());
  const auto* rebuild = menu.find("rebuild");
  CHECK_FALSE(rebuild->enabled);
  CHECK(rebuild->disabled_reason.find("read-only") != std::string::npos);
}

TEST_CASE("an agent without jobs.start: rebuild is not supported by this agent") {
  auto h = hello();
  h.methods = {"hello", "status", "generations.list", "subscribe", "unsubscribe"};
  auto state = fold(TrayState{}, {LinkConnected{h, "unix:/x"}, StatusReceived{running_status()}});
  const auto menu = MenuModel::build(state, wsl_context());
  const auto* item = menu.find("rebuild/switch");
  CHECK_FALSE(item->enabled);
  CHECK(item->disabled_reason.find("not supported by this agent") != std::string::npos);
  CHECK(menu.find("verify-boot")->disabled_reason.find("verify.preflight") != std::string::npos);
}

TEST_CASE("while a job runs: progress, log, cancel, rebuild and shut down wait") {
  auto state = connected();
  state = fold(state, {JobUpdated{job("17", protocol::JobState::running)}});
  const auto menu = MenuModel::build(state, wsl_context());
  CHECK(menu.find("status-line")->label.find("Rebuilding: building 10/40 (25%)") != std::string::npos);
  CHECK(menu.find("job/show-log")->command.job_id == "17");
  const auto* cancel = menu.find("job/cancel");
  REQUIRE(cancel);
  CHECK(cancel->enabled);
  CHECK(cancel->command.job_id == "17");
  CHECK(menu.find("rebuild/switch")->disabled_reason == "rebuild job 17 is running");
  CHECK_FALSE(menu.find("distro/stop")->enabled);

  auto activating = job("17", protocol::JobState::running);
  activating.progress.phase = protocol::JobPhase::activating;
  const auto later = MenuModel::build(fold(state, {JobUpdated{activating}}), wsl_context());
  CHECK_FALSE(later.find("job/cancel")->enabled);
  CHECK(later.find("job/cancel")->disabled_reason.find("half-switched") != std::string::npos);
}

TEST_CASE("after a failed rebuild: the summary, Show log with the job id, Dismiss") {
  auto state = connected();
  state = fold(state, {JobUpdated{job("17", protocol::JobState::failed)}});
  const auto menu = MenuModel::build(state, wsl_context());
  CHECK(menu.find("status-line")->label.find("hello-2.12.1") != std::string::npos);
  CHECK(menu.find("job/show-log")->command.action == MenuAction::show_job_log);
  CHECK(menu.find("job/show-log")->command.job_id == "17");
  CHECK(menu.find("job/dismiss")->command.action == MenuAction::dismiss_failure);
}

TEST_CASE("unreachable: the reason and Reconnect now") {
  const auto state =
      fold(TrayState{}, {LinkUnreachable{UnreachableReason::unauthorized, "the agent rejected the token"}});
  const auto menu = MenuModel::build(state, wsl_context());
  CHECK(menu.find("status-line")->label == "the agent rejected the token");
  CHECK(menu.find("reconnect")->command.action == MenuAction::reconnect);
}

TEST_CASE("an agent that does not answer: the known-good generation the host remembers is offered from outside") {
  const auto state = fold(TrayState{}, {LinkUnreachable{UnreachableReason::connection_refused, "nothing listens"}});
  auto context = wsl_context();
  context.host_known_good = 41;
  const auto menu = MenuModel::build(state, context);
  const auto* rollback = menu.find("rollback");
  REQUIRE(rollback);
  CHECK(rollback->enabled);
  const auto* rescue = menu.find("rollback/rescue");
  REQUIRE(rescue);
  CHECK(rescue->enabled);
  CHECK(rescue->label == "Generation 41 \xE2\x9C\x93 known good, from outside");
  // The same as a sentence for the catalogue: the format is the key, the number goes in as it is.
  CHECK(rescue->label_sentence.format == "Generation %s \xE2\x9C\x93 known good, from outside");
  CHECK(rescue->label_sentence.args == std::vector<std::string>{"41"});
  CHECK(rescue->command.action == MenuAction::rescue_rollback);
  CHECK(rescue->command.generation == 41);
  REQUIRE(rescue->confirm);
  CHECK(rescue->confirm->question.english().find("does not answer") != std::string::npos);

  // Not without a remembered generation, without lifecycle control, or while the agent answers.
  CHECK_FALSE(MenuModel::build(state, wsl_context()).find("rollback/rescue"));
  auto local = context;
  local.has_lifecycle = false;
  CHECK_FALSE(MenuModel::build(state, local).find("rollback/rescue"));
  CHECK_FALSE(MenuModel::build(connected(), context).find("rollback/rescue"));
}

TEST_CASE("start at login carries its check mark") {
  auto context = wsl_context();
  context.start_at_login = true;
  CHECK(*MenuModel::build(connected(), context).find("start-at-login")->checked);
}

TEST_CASE("every action item has a unique, non-empty id") {
  auto status = running_status();
  status.failed_units = {failed_unit("a.service")};
  const auto menu =
      MenuModel::build(fold(connected(status), {JobUpdated{job("3", protocol::JobState::running)}}), wsl_context());
  std::set<std::string> ids;
  std::function<void(const std::vector<MenuItem>&)> walk = [&](const std::vector<MenuItem>& items) {
    for (const auto& item : items) {
      if (item.kind == MenuItem::Kind::separator) continue;
      CHECK_FALSE(item.id.empty());
      CHECK(ids.insert(item.id).second);
      walk(item.children);
    }
  };
  walk(menu.items);
}

TEST_CASE("with several targets a Targets submenu selects which one the menu is for") {
  auto context = wsl_context();
  CHECK(MenuModel::build(connected(), context).find("targets") == nullptr);  // one target: no submenu
  context.targets = {{"daily", TrayCondition::running, false, true},
                     {"test", TrayCondition::verify_failed, false, false},
                     {"server", TrayCondition::degraded, true, false}};
  const auto menu = MenuModel::build(connected(), context);
  CHECK(top_level_ids(menu)[1] == "targets");
  const auto* targets = menu.find("targets");
  REQUIRE(targets);
  REQUIRE(targets->children.size() == 3);
  CHECK(targets->children[0].label == "daily \xE2\x80\x94 running");
  CHECK(targets->children[0].checked == true);
  CHECK(targets->children[1].label == "test \xE2\x80\x94 verify failed");
  CHECK(targets->children[1].checked == false);
  CHECK(targets->children[2].label == "server \xE2\x80\x94 degraded, unverified");
  const auto* test = menu.find("target/test");
  REQUIRE(test);
  CHECK(test->command.action == MenuAction::select_target);
  CHECK(test->command.target == "test");
}

TEST_CASE("WSL distros found without a target are offered in the Targets submenu, even with one target") {
  auto context = wsl_context();
  context.targets = {{"daily", TrayCondition::running, false, true}};
  context.found_distros = {"NixOS-work", "NixOS-old"};
  const auto menu = MenuModel::build(connected(), context);
  const auto* targets = menu.find("targets");
  REQUIRE(targets);
  REQUIRE(targets->children.size() == 5);
  CHECK(targets->children[0].id == "target/daily");
  CHECK(targets->children[1].kind == MenuItem::Kind::separator);
  CHECK(targets->children[2].kind == MenuItem::Kind::header);
  CHECK(targets->children[2].label == "Found in WSL, add as a target:");
  const auto* work = menu.find("targets/add/NixOS-work");
  REQUIRE(work);
  CHECK(work->label == "NixOS-work");
  CHECK(work->command.action == MenuAction::add_target);
  CHECK(work->command.distro == "NixOS-work");
  CHECK(work->command.target.empty());  // not another target's action: nothing to select first
}

TEST_CASE("a WSL distro's rebuild can be tried on a copy first, one trial at a time") {
  auto context = wsl_context();
  CHECK(MenuModel::build(connected(), context).find("try-on-copy") == nullptr);  // not exportable
  context.can_try_on_copy = true;
  auto menu = MenuModel::build(connected(), context);
  const auto* trial = menu.find("try-on-copy");
  REQUIRE(trial);
  CHECK(trial->enabled);
  CHECK(trial->command.action == MenuAction::try_on_copy);
  REQUIRE(trial->confirm);
  CHECK(trial->confirm->question.english().find("NixOS itself is not changed or restarted") != std::string::npos);
  context.trying_on_copy = true;
  menu = MenuModel::build(connected(), context);
  CHECK_FALSE(menu.find("try-on-copy")->enabled);
  CHECK(menu.find("try-on-copy")->disabled_reason == "a trial on a copy runs already");
}

TEST_CASE("a target's own actions in the Targets submenu name it and keep their ids apart") {
  auto context = wsl_context();
  const auto other = connected();
  auto other_context = wsl_context();
  other_context.distro_name = "NixOS-test";
  context.targets = {{"daily", TrayCondition::running, false, true, {}},
                     {"test", TrayCondition::running, false, false, target_actions("test", other, other_context)}};
  const auto menu = MenuModel::build(connected(), context);
  const auto* test = menu.find("target/test");
  REQUIRE(test);
  REQUIRE(test->kind == MenuItem::Kind::submenu);
  CHECK(test->label == "test \xE2\x80\x94 running");
  REQUIRE(test->children.size() >= 3);
  CHECK(test->children[0].id == "target/test/select");
  CHECK(test->children[0].command.action == MenuAction::select_target);
  CHECK(test->children[0].checked == false);
  std::vector<std::string> ids;
  for (const auto& item : test->children) {
    if (item.kind != MenuItem::Kind::separator) ids.push_back(item.id);
  }
  CHECK(ids == std::vector<std::string>{"target/test/select", "target/test/distro/stop", "target/test/rebuild",
                                        "target/test/verify-boot", "target/test/rollback"});
  const auto* stop = menu.find("target/test/distro/stop");
  REQUIRE(stop);
  CHECK(stop->command.action == MenuAction::stop_distro);
  CHECK(stop->command.target == "test");
  REQUIRE(stop->confirm);
  CHECK(stop->confirm->question.english().find("NixOS-test") != std::string::npos);  // its own distro's name
  // The selected target's own actions stay at the top level, without a target.
  const auto* top_stop = menu.find("distro/stop");
  REQUIRE(top_stop);
  CHECK(top_stop->command.target.empty());
}
