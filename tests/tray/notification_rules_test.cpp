#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/state/notification_rules.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

// Feeds events through the reducer and the rules, as the tray does, collecting notifications.
struct Tray {
  explicit Tray(NotificationToggles toggles = {}, std::optional<std::string> last_seen = std::nullopt)
      : rules(toggles, std::move(last_seen), "NixOS") {}

  std::vector<Notification> feed(std::initializer_list<TrayEvent> events) {
    return observe(state, rules, events, [this](const NotificationDecision& decision) {
      if (decision.last_job_seen) saved_last_seen = decision.last_job_seen;
    });
  }

  std::vector<Notification> connect(std::vector<protocol::Job> jobs = {}, protocol::Status status = running_status()) {
    return feed({LinkConnecting{1}, LinkConnected{hello(), "unix:/x"}, StatusReceived{std::move(status)},
                 GenerationsReceived{{generation(42, true)}}, JobsReceived{std::move(jobs)}, LinkSynced{}});
  }

  TrayState state;
  NotificationRules rules;
  std::optional<std::string> saved_last_seen;
};

}  // namespace

TEST_CASE("a failed rebuild is notified once, with its summary and a Show log action") {
  Tray tray({}, "10");
  CHECK(tray.connect().empty());
  CHECK(tray.feed({JobUpdated{job("11", protocol::JobState::running)}}).empty());
  const auto notes = tray.feed({JobUpdated{job("11", protocol::JobState::failed)}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == NotificationKind::job_failed);
  CHECK(notes[0].title.english() == "Rebuild failed");
  CHECK(notes[0].body.english() == "Build of hello-2.12.1 failed in buildPhase (job 11)");
  REQUIRE(notes[0].action);
  CHECK(notes[0].action->kind == NotificationAction::Kind::show_job_log);
  CHECK(notes[0].action->label == "Show log");
  CHECK(notes[0].action->job_id == "11");
  CHECK(tray.saved_last_seen == "11");

  // The same event again (a repeated jobs event, a jobs.list after reconnecting): nothing new.
  CHECK(tray.feed({JobUpdated{job("11", protocol::JobState::failed)}}).empty());
  CHECK(tray.connect({job("11", protocol::JobState::failed)}).empty());
}

TEST_CASE("the golden failed job is notified with the agent's summary") {
  Tray tray({}, "1");
  tray.connect();
  const auto notes = tray.feed({JobUpdated{golden_result<protocol::Job>("jobs.get.result.failed.json")}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].body.english().find("make: *** [Makefile:42: all] Error 2") != std::string::npos);
}

TEST_CASE("a failure that happened while the tray was away is shown once on reconnect") {
  Tray tray({}, "10");
  const auto notes = tray.connect({job("13", protocol::JobState::succeeded), job("12", protocol::JobState::failed),
                                   job("11", protocol::JobState::failed), job("10", protocol::JobState::failed)});
  REQUIRE(notes.size() == 1);  // the newest failure only; older ones are in the history
  CHECK(notes[0].action->job_id == "12");
  CHECK(notes[0].body.english().find("while nixtray was not connected") != std::string::npos);
  CHECK(tray.saved_last_seen == "13");

  // Reconnecting again, or a tray started later with the saved id, shows nothing.
  tray.feed({LinkUnreachable{UnreachableReason::connection_lost, "", 1s, true}});
  CHECK(tray.connect({job("13", protocol::JobState::succeeded), job("12", protocol::JobState::failed)}).empty());
  Tray restarted({}, tray.saved_last_seen);
  CHECK(restarted.connect({job("13", protocol::JobState::succeeded), job("12", protocol::JobState::failed)}).empty());
}

TEST_CASE("the first tray to watch a distro takes its job history as the baseline") {
  Tray tray;
  CHECK(tray.connect({job("5", protocol::JobState::failed), job("4", protocol::JobState::failed)}).empty());
  CHECK(tray.saved_last_seen == "5");
  CHECK(tray.feed({JobUpdated{job("6", protocol::JobState::failed)}}).size() == 1);
}

TEST_CASE("a job running while the tray was away is notified when it fails later") {
  Tray tray({}, "10");
  CHECK(tray.connect({job("11", protocol::JobState::running)}).empty());
  CHECK(tray.saved_last_seen == std::nullopt);  // 11 is not finished: not seen yet
  CHECK(tray.feed({JobUpdated{job("11", protocol::JobState::failed)}}).size() == 1);
}

TEST_CASE("interrupted jobs are notified, cancelled ones are not") {
  Tray tray({}, "1");
  tray.connect();
  CHECK(tray.feed({JobUpdated{job("3", protocol::JobState::cancelled)}}).empty());
  const auto notes = tray.feed({JobUpdated{job("4", protocol::JobState::interrupted, protocol::JobKind::rollback)}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].title.english() == "Rollback interrupted");
}

TEST_CASE("a switched-off kind is not notified, and not replayed when switched on") {
  NotificationToggles toggles;
  toggles.job_failed = false;
  Tray tray(toggles, "1");
  tray.connect();
  CHECK(tray.feed({JobUpdated{job("2", protocol::JobState::failed)}}).empty());
  CHECK(tray.saved_last_seen == "2");
  tray.rules.set_toggles(NotificationToggles{});
  CHECK(tray.feed({JobUpdated{job("2", protocol::JobState::failed)}}).empty());
  CHECK(tray.feed({JobUpdated{job("3", protocol::JobState::failed)}}).size() == 1);
}

TEST_CASE("a unit that fails while connected is notified once, units failed before are the baseline") {
  auto degraded = running_status();
  degraded.system_state = protocol::SystemState::degraded;
  degraded.failed_units = {failed_unit("old.service")};
  Tray tray({}, "1");
  CHECK(tray.connect({}, degraded).empty());

  protocol::UnitsChanged change;
  change.changed = {failed_unit("nginx.service")};
  auto notes = tray.feed({UnitsChangedReceived{change}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == NotificationKind::unit_failed);
  CHECK(notes[0].title.english() == "nginx.service failed");
  CHECK(notes[0].action->unit == "nginx.service");

  // The status event that follows lists it too: no second notification.
  auto both = degraded;
  both.failed_units.push_back(failed_unit("nginx.service"));
  CHECK(tray.feed({StatusReceived{both}}).empty());

  // It recovers and fails again: a new notification.
  change.changed = {active_unit("nginx.service")};
  CHECK(tray.feed({UnitsChangedReceived{change}}).empty());
  change.changed = {failed_unit("nginx.service")};
  CHECK(tray.feed({UnitsChangedReceived{change}}).size() == 1);
}

TEST_CASE("several units failing at once make one notification") {
  Tray tray({}, "1");
  tray.connect();
  protocol::UnitsChanged change;
  change.changed = {failed_unit("a.service"), failed_unit("b.service"), failed_unit("c.service")};
  const auto notes = tray.feed({UnitsChangedReceived{change}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].title.english() == "3 units failed");
  CHECK(notes[0].body.english().find("a.service, b.service, c.service") != std::string::npos);
}

TEST_CASE("unit notifications can be switched off") {
  NotificationToggles toggles;
  toggles.unit_failed = false;
  Tray tray(toggles, "1");
  tray.connect();
  protocol::UnitsChanged change;
  change.changed = {failed_unit("nginx.service")};
  CHECK(tray.feed({UnitsChangedReceived{change}}).empty());
}

TEST_CASE("a distro that stops by itself is notified, one the user stopped is not") {
  SECTION("unexpected") {
    Tray tray({}, "1");
    tray.connect();
    auto notes = tray.feed({LinkUnreachable{UnreachableReason::connection_lost, "", 1s, true, false},
                            DistroPowerObserved{DistroPower::stopped, ""}});
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].kind == NotificationKind::distro_stopped);
    CHECK(notes[0].title.english() == "NixOS stopped");
    // Polling keeps reporting stopped: still one notification.
    CHECK(tray.feed({DistroPowerObserved{DistroPower::stopped, ""}, DistroPowerObserved{DistroPower::stopped, ""}})
              .empty());
    // Up again, then down again: a new one.
    tray.connect();
    CHECK(tray.feed({LinkUnreachable{UnreachableReason::connection_lost, "", 1s, true, false},
                     DistroPowerObserved{DistroPower::stopped, ""}})
              .size() == 1);
  }
  SECTION("expected down") {
    Tray tray({}, "1");
    tray.connect();
    CHECK(tray.feed({UserRequestedStop{}, LinkUnreachable{UnreachableReason::connection_lost, "", 1s, true, true},
                     DistroPowerObserved{DistroPower::stopped, ""}})
              .empty());
  }
  SECTION("verify-boot restarting it") {
    Tray tray({}, "1");
    tray.connect();
    CHECK(tray.feed({LinkPaused{"verify-boot"}, VerifyProgress{"restarting", ""},
                     LinkUnreachable{UnreachableReason::connection_lost, "", 1s, true, true},
                     DistroPowerObserved{DistroPower::stopped, ""}})
              .empty());
  }
  SECTION("never seen running") {
    Tray tray({}, "1");
    CHECK(tray.feed({DistroPowerObserved{DistroPower::stopped, ""}}).empty());
  }
  SECTION("switched off") {
    NotificationToggles toggles;
    toggles.distro_stopped = false;
    Tray tray(toggles, "1");
    tray.connect();
    CHECK(tray.feed({LinkUnreachable{UnreachableReason::connection_lost, "", 1s, true, false},
                     DistroPowerObserved{DistroPower::stopped, ""}})
              .empty());
  }
}

TEST_CASE("verify-boot failures and rollbacks are notified once") {
  Tray tray({}, "1");
  tray.connect();
  const VerifyFinished rolled_back{VerifyOutcome::rolled_back, "generation 43 did not start systemd; rolled back to 42",
                                   43};
  auto notes = tray.feed({rolled_back});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == NotificationKind::verify_failed);
  CHECK(notes[0].title.english() == "Boot verification failed: generation 43 rolled back");
  CHECK(notes[0].body.english() == rolled_back.message);
  CHECK(tray.feed({rolled_back}).empty());
  CHECK(tray.feed({VerifyFinished{VerifyOutcome::failed, "activation reported errors", 44}}).size() == 1);

  NotificationToggles toggles;
  toggles.verify_failed = false;
  Tray quiet(toggles, "1");
  CHECK(quiet.feed({rolled_back}).empty());
}

TEST_CASE("success is told: a switch, a rollback, a garbage collection, each once, as it happens") {
  Tray tray({}, "1");
  tray.connect();
  auto switched = job("2", protocol::JobState::succeeded);
  switched.args.mode = protocol::RebuildMode::switch_;
  switched.generation_after = 43;
  auto notes = tray.feed({JobUpdated{job("2", protocol::JobState::running)}, JobUpdated{switched}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == NotificationKind::job_succeeded);
  CHECK(notes[0].title.english() == "Rebuild done");
  CHECK(notes[0].body.english() == "Generation 43 is active.");
  CHECK(notes[0].body == sentence("Generation %s is active.", {"43"}));  // the catalogue's words, the number apart
  REQUIRE(notes[0].action);
  CHECK(notes[0].action->job_id == "2");
  CHECK(tray.feed({JobUpdated{switched}}).empty());

  auto for_boot = job("3", protocol::JobState::succeeded);
  for_boot.args.mode = protocol::RebuildMode::boot;
  for_boot.generation_after = 44;
  notes = tray.feed({JobUpdated{for_boot}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].body.english() == "Generation 44 boots at the next start.");

  auto rolled_back = job("4", protocol::JobState::succeeded, protocol::JobKind::rollback);
  rolled_back.args.to = 42;
  notes = tray.feed({JobUpdated{rolled_back}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].title.english() == "Rolled back to generation 42");
  CHECK(notes[0].body.english() == "It is active now.");

  auto collected = job("5", protocol::JobState::succeeded, protocol::JobKind::gc);
  collected.freed_bytes = std::int64_t{3} << 30;
  notes = tray.feed({JobUpdated{collected}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].title.english() == "Garbage collection done");
  CHECK(notes[0].body.english() == "Freed 3.0 GiB.");
}

TEST_CASE("success is not told for a build or a preview, from the history, during boot verification, or when off") {
  SECTION("a build only: the rebuild's own window follows it") {
    Tray tray({}, "1");
    tray.connect();
    auto built = job("2", protocol::JobState::succeeded);
    built.args.mode = protocol::RebuildMode::build;
    CHECK(tray.feed({JobUpdated{built}}).empty());
  }
  SECTION("a success that happened while the tray was away is in the history, not news") {
    Tray tray({}, "1");
    CHECK(tray.connect({job("2", protocol::JobState::succeeded)}).empty());
  }
  SECTION("the jobs boot verification runs: its own outcome is the news") {
    Tray tray({}, "1");
    tray.connect();
    tray.feed({VerifyProgress{"rebuild", "rebuilding for the next boot"}});
    REQUIRE(tray.state.verifying);
    CHECK(tray.feed({JobUpdated{job("2", protocol::JobState::succeeded)}}).empty());
  }
  SECTION("switched off") {
    NotificationToggles toggles;
    toggles.job_succeeded = false;
    Tray tray(toggles, "1");
    tray.connect();
    CHECK(tray.feed({JobUpdated{job("2", protocol::JobState::succeeded)}}).empty());
  }
}

TEST_CASE("a passed boot verification is told with its generation, and can be switched off") {
  Tray tray({}, "1");
  tray.connect();
  auto notes = tray.feed({VerifyFinished{VerifyOutcome::passed, "generation 43 booted", 43}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == NotificationKind::verify_passed);
  CHECK(notes[0].title.english() == "Boot verification passed");
  CHECK(notes[0].body.english() == "Generation 43 is active and passed boot verification.");
  notes = tray.feed({VerifyFinished{VerifyOutcome::passed_degraded, "generation 44 booted; x.service failed", 44}});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].body.english() == "Generation 44 is active and passed boot verification; some units failed.");

  NotificationToggles toggles;
  toggles.verify_passed = false;
  Tray quiet(toggles, "1");
  quiet.connect();
  CHECK(quiet.feed({VerifyFinished{VerifyOutcome::passed, "generation 43 booted", 43}}).empty());
}
