// The daily check for updates (core/state/update_check.hpp): when it is due, what it asks the
// agent for, and what it tells (NotificationRules) when inputs moved, when none did and when the
// check failed. The session carrying it out against a real agent is in tray_session_test.cpp.
#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/state/menu_model.hpp"
#include "core/state/notification_rules.hpp"
#include "core/state/tray_state.hpp"
#include "core/state/update_check.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;
using namespace std::chrono_literals;

namespace {

protocol::Job check_job(const std::string& id, protocol::JobState state, std::vector<std::string> moved) {
  auto j = job(id, state);
  j.args.mode = protocol::RebuildMode::dry_build;
  j.args.update = true;
  if (state == protocol::JobState::succeeded) {
    protocol::FlakeUpdate update;
    update.lock_file = "/etc/nixos/flake.lock";
    for (auto& name : moved) {
      update.inputs.push_back({std::move(name), "github:NixOS/nixpkgs/nixos-24.11",
                               protocol::LockedInput{"aaaaaaa", 1733011200},
                               protocol::LockedInput{"bbbbbbb", 1733443200}});
    }
    j.update = std::move(update);
  }
  return j;
}

std::vector<Notification> feed(TrayState& state, NotificationRules& rules, std::initializer_list<TrayEvent> events) {
  return observe(state, rules, events, [](const NotificationDecision&) {});
}

void connect(TrayState& state, NotificationRules& rules) {
  feed(state, rules,
       {LinkConnecting{1}, LinkConnected{hello(), "unix:/x"}, StatusReceived{running_status()},
        GenerationsReceived{{generation(42, true)}}, JobsReceived{}, LinkSynced{}});
}

NotificationToggles checking() {
  NotificationToggles toggles;
  toggles.updates_available = true;
  return toggles;
}

}  // namespace

TEST_CASE("update check: due when never done, a day after the last one, or when the clock went back") {
  const std::int64_t now = 1'733'443'200;
  CHECK(update_check_due_in(std::nullopt, now) == 0s);
  CHECK(update_check_due_in(now, now) == 24h);
  CHECK(update_check_due_in(now - 3600, now) == 23h);
  CHECK(update_check_due_in(now - 24 * 3600, now) == 0s);
  CHECK(update_check_due_in(now - 90 * 24 * 3600, now) == 0s);
  CHECK(update_check_due_in(now + 3600, now) == 0s);  // a check "in the future": the clock was set back
}

TEST_CASE("update check: the agent's check, a dry-build with update, builds nothing") {
  const auto request = update_check_request("/etc/nixos#nixos");
  CHECK(request.mode == protocol::RebuildMode::dry_build);
  CHECK(request.update);
  CHECK(request.flake == "/etc/nixos#nixos");
  CHECK_FALSE(request.system);
  CHECK(is_update_check(check_job("5", protocol::JobState::running, {})));
  auto build = check_job("5", protocol::JobState::running, {});
  build.args.mode = protocol::RebuildMode::build;  // the Update window's own build: reviewed there
  CHECK_FALSE(is_update_check(build));
}

TEST_CASE("update check: inputs that moved are notified once, with the Update action") {
  TrayState state;
  NotificationRules rules(checking(), "10", "NixOS");
  connect(state, rules);
  CHECK(feed(state, rules, {JobUpdated{check_job("11", protocol::JobState::running, {})}}).empty());
  const auto notes =
      feed(state, rules, {JobUpdated{check_job("11", protocol::JobState::succeeded, {"nixpkgs", "home-manager"})}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == NotificationKind::updates_available);
  CHECK(notes[0].title.english() == "Updates available");
  CHECK(notes[0].body.english() == "2 inputs of NixOS moved: nixpkgs, home-manager");
  CHECK(notes[0].body.count == 2);  // a plural form, chosen by the catalogue
  REQUIRE(notes[0].action);
  CHECK(notes[0].action->kind == NotificationAction::Kind::update);
  CHECK(notes[0].action->label == "Update…");
  CHECK(feed(state, rules, {JobUpdated{check_job("11", protocol::JobState::succeeded, {"nixpkgs"})}}).empty());
}

TEST_CASE("update check: nothing moved, a failed check, or the switch off: no notification") {
  TrayState state;
  NotificationRules rules(checking(), "10", "NixOS");
  connect(state, rules);
  CHECK(feed(state, rules, {JobUpdated{check_job("11", protocol::JobState::succeeded, {})}}).empty());
  // Offline, say: the job history has it, and the next day's check tries again. Not "Rebuild failed".
  CHECK(feed(state, rules, {JobUpdated{check_job("12", protocol::JobState::failed, {})}}).empty());

  TrayState quiet_state;
  NotificationRules quiet({}, "10", "NixOS");  // updates_available is off unless switched on
  connect(quiet_state, quiet);
  CHECK(feed(quiet_state, quiet, {JobUpdated{check_job("13", protocol::JobState::succeeded, {"nixpkgs"})}}).empty());
}

TEST_CASE("update check: while it runs the tray says it checks, and a failed one is no failed rebuild") {
  TrayState state;
  NotificationRules rules(checking(), "10", "NixOS");
  connect(state, rules);
  auto running = check_job("11", protocol::JobState::running, {});
  running.progress.phase = protocol::JobPhase::updating;
  feed(state, rules, {JobUpdated{running}});
  const auto view = present(state, "NixOS");
  CHECK(view.condition == TrayCondition::rebuilding);
  CHECK(view.state.english() == "Checking for updates: updating the flake's inputs");
  REQUIRE_FALSE(view.detail_sentences.empty());
  CHECK(view.detail_sentences[0].english() == "Checking for updates (job 11): updating the flake's inputs");
  MenuContext context;
  context.distro_name = "NixOS";
  context.has_lifecycle = true;
  const auto menu = MenuModel::build(state, context);
  CHECK(menu.find("status-line")->label == "Checking for updates: updating the flake's inputs");
  CHECK(menu.find("rebuild/switch")->disabled_reason == "update check job 11 is running");

  // Offline overnight: the icon does not turn to "rebuild failed", and an earlier real failure
  // still shows once the check has ended.
  feed(state, rules, {JobUpdated{check_job("11", protocol::JobState::failed, {})}});
  CHECK_FALSE(job_failure(state));
  CHECK(state.condition == TrayCondition::running);
  auto rebuild = job("12", protocol::JobState::failed);
  rebuild.summary = "error: attribute 'hello' missing";
  feed(state, rules, {JobUpdated{rebuild}, JobUpdated{check_job("13", protocol::JobState::failed, {})}});
  REQUIRE(job_failure(state));
  CHECK(job_failure(state)->job_id == "12");
  CHECK(state.condition == TrayCondition::rebuild_failed);
}
