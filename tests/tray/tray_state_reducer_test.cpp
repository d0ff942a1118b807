#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/state/state_text.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

TEST_CASE("before anything happens the tray is connecting") {
  const auto state = fold(TrayState{}, {LinkConnecting{1}});
  CHECK(state.condition == TrayCondition::connecting);
  CHECK(present(state, "NixOS").icon == IconId::transition);
}

TEST_CASE("a healthy distro is running, with version and generation in the tooltip") {
  const auto state = connected();
  CHECK(state.condition == TrayCondition::running);
  const auto view = present(state, "NixOS");
  CHECK(view.icon == IconId::running);
  CHECK(view.tooltip == "NixOS 24.11 \xE2\x80\x94 gen 42, running");
}

TEST_CASE("a renamed distro is named in the tooltip") {
  CHECK(present(connected(), "work").tooltip == "NixOS 24.11 (work) \xE2\x80\x94 gen 42, running");
}

TEST_CASE("failed units make the state degraded, and recover through units events") {
  auto status = running_status();
  status.system_state = protocol::SystemState::degraded;
  status.failed_units = {failed_unit("nginx.service")};
  auto state = connected(status);
  CHECK(state.condition == TrayCondition::degraded);
  CHECK(present(state, "NixOS").tooltip.find("1 failed unit") != std::string::npos);

  protocol::UnitsChanged change;
  change.changed = {failed_unit("postgresql.service")};
  state = fold(state, {UnitsChangedReceived{change}});
  REQUIRE(state.status->failed_units.size() == 2);
  CHECK(state.status->failed_units[0].name == "nginx.service");  // sorted by name

  change.changed = {active_unit("nginx.service")};
  change.removed = {"postgresql.service"};
  state = fold(state, {UnitsChangedReceived{change}});
  CHECK(state.status->failed_units.empty());

  // systemd's own state comes with the next status event.
  state = fold(state, {StatusReceived{running_status()}});
  CHECK(state.condition == TrayCondition::running);
}

TEST_CASE("the golden status (degraded, nginx failed, job 17 running) reads as rebuilding") {
  const auto state = connected(golden_result<protocol::Status>("status.result.json"));
  // No job list yet: the status alone names the running job.
  CHECK(state.condition == TrayCondition::rebuilding);
  const auto job = running_job(state);
  REQUIRE(job);
  CHECK(job->job_id == "17");
}

TEST_CASE("a status sent before the job's end, read after it, names no running job") {
  // The agent's status still naming job 17 arrives after the job's event that it ended.
  auto state = connected();
  state = fold(state, {JobUpdated{job("17", protocol::JobState::running, protocol::JobKind::gc)},
                       JobUpdated{job("17", protocol::JobState::succeeded, protocol::JobKind::gc)},
                       StatusReceived{golden_result<protocol::Status>("status.result.json")}});
  CHECK_FALSE(running_job(state));
  CHECK(state.condition != TrayCondition::rebuilding);
}

TEST_CASE("a running rebuild shows its progress") {
  auto state = connected();
  state = fold(state, {JobUpdated{golden("event.jobs.json")["params"]["data"].get<protocol::Job>()}});
  CHECK(state.condition == TrayCondition::rebuilding);
  const auto view = present(state, "NixOS");
  CHECK(view.icon == IconId::busy);
  CHECK(view.tooltip.find("Rebuilding: building 12/40, 130/212 downloads") != std::string::npos);
  // The progress is a sentence of its own inside the tooltip's: a catalogue says both.
  std::vector<std::string> asked;
  std::function<std::string(const Sentence&)> say = [&](const Sentence& s) {
    asked.push_back(s.english_format());
    auto args = s.args;
    for (std::size_t k = 0; k < s.nested.size(); ++k) args[s.nested_at[k]] = say(s.nested[k]);
    return "[" + Sentence::fill(s.english_format(), args) + "]";
  };
  CHECK(tooltip_line(view, say) == "NixOS 24.11 \xE2\x80\x94 [Rebuilding: [building 12/40, 130/212 downloads]]");
  CHECK(std::find(asked.begin(), asked.end(), "building %1$s/%2$s, %3$s/%4$s downloads") != asked.end());
  REQUIRE(view.progress_percent);
  CHECK(*view.progress_percent == (12 + 130) * 100 / (40 + 212));
}

TEST_CASE("a failed rebuild shows its summary and job id until dismissed or superseded") {
  auto state = connected();
  state = fold(state, {JobUpdated{job("17", protocol::JobState::running)},
                       JobUpdated{golden_result<protocol::Job>("jobs.get.result.failed.json")}});
  // The golden failed job is 14; 17 is still running, so the state is rebuilding.
  CHECK(state.condition == TrayCondition::rebuilding);

  state = fold(state, {JobUpdated{job("17", protocol::JobState::failed)}});
  CHECK(state.condition == TrayCondition::rebuild_failed);
  const auto failure = job_failure(state);
  REQUIRE(failure);
  CHECK(failure->job_id == "17");
  CHECK(failure->summary.find("hello-2.12.1") != std::string::npos);
  CHECK(present(state, "NixOS").icon == IconId::failed);

  SECTION("dismissed") {
    state = fold(state, {UserDismissedFailure{}});
    CHECK(state.condition == TrayCondition::running);
  }
  SECTION("a newer job succeeds") {
    state = fold(state, {JobUpdated{job("18", protocol::JobState::succeeded)}});
    CHECK(state.condition == TrayCondition::running);
  }
  SECTION("a gc job after it does not hide the failed rebuild") {
    state = fold(state, {JobUpdated{job("18", protocol::JobState::succeeded, protocol::JobKind::gc)}});
    CHECK(state.condition == TrayCondition::rebuild_failed);
  }
}

TEST_CASE("job ids compare as numbers") {
  CHECK(is_newer_job_id("10", "9"));
  CHECK_FALSE(is_newer_job_id("9", "10"));
  CHECK_FALSE(is_newer_job_id("7", "7"));
  auto state = connected();
  state = fold(state,
               {JobUpdated{job("9", protocol::JobState::succeeded)}, JobUpdated{job("10", protocol::JobState::failed)},
                JobUpdated{job("8", protocol::JobState::failed)}});
  REQUIRE(state.jobs.size() == 3);
  CHECK(state.jobs[0].id == "10");
  CHECK(state.jobs[2].id == "8");
}

TEST_CASE("the job list is bounded") {
  auto state = connected();
  for (int i = 1; i <= 80; ++i)
    state = fold(state, {JobUpdated{job(std::to_string(i), protocol::JobState::succeeded)}});
  CHECK(state.jobs.size() == TrayState::max_jobs);
  CHECK(state.jobs.front().id == "80");
}

TEST_CASE("an unreachable agent says why") {
  const auto state =
      fold(TrayState{},
           {LinkConnecting{1}, LinkUnreachable{UnreachableReason::no_agent, "there is no agent socket at /x", 1000ms}});
  CHECK(state.condition == TrayCondition::unreachable);
  const auto view = present(state, "NixOS");
  CHECK(view.icon == IconId::unreachable);
  CHECK(view.tooltip.find("no nixtray agent answers") != std::string::npos);
  CHECK(view.detail == "there is no agent socket at /x");
}

TEST_CASE("the tooltip and status line come in parts a catalogue translates: formats, counts, core's phrases") {
  // A stand-in catalogue: every format and core phrase it is asked for, marked, in the plural form
  // the count asks for; names and numbers go in as they are.
  std::vector<std::string> asked;
  const SentenceWords marked = [&](const Sentence& s) {
    asked.push_back(s.english_format());
    auto args = s.args;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (s.is_translated(i)) args[i] = "<" + args[i] + ">";
    }
    return "[" + Sentence::fill(s.english_format(), args) + "]";
  };

  auto status = running_status();
  status.system_state = protocol::SystemState::degraded;
  status.failed_units = {failed_unit("nginx.service"), failed_unit("postgresql.service")};
  const auto degraded = present(connected(status), "work");
  CHECK(tooltip_line(degraded, marked) == "NixOS 24.11 (work) \xE2\x80\x94 [gen 42, degraded: 2 failed units]");
  CHECK(asked.back() == "gen %2$s, degraded: %1$s failed units");
  CHECK(degraded.state.format == "gen %2$s, degraded: %1$s failed unit");  // the singular is the key
  CHECK(degraded.state.count == 2);
  CHECK(detail_line(degraded, marked) == "[degraded: 2 failed units]");
  // English is the same parts, said as they are.
  CHECK(tooltip_line(degraded, [](const Sentence& s) { return s.english(); }) == degraded.tooltip);

  status.failed_units.pop_back();
  CHECK(present(connected(status), "work").tooltip.find("degraded: 1 failed unit") != std::string::npos);

  const auto unreachable =
      present(fold(TrayState{}, {LinkUnreachable{UnreachableReason::unauthorized, "token rejected", 1000ms}}), "NixOS");
  CHECK(tooltip_line(unreachable, marked) == "NixOS \xE2\x80\x94 [unreachable: <the agent rejected the token>]");
  CHECK(detail_line(unreachable, marked) == "[token rejected]");  // the link's own words, as they came
}

TEST_CASE("an agent of another protocol version is its own kind of unreachable") {
  const auto state = fold(TrayState{}, {LinkUnreachable{UnreachableReason::protocol_mismatch, "speaks protocol 2"}});
  CHECK(state.condition == TrayCondition::unreachable);
  CHECK(present(state, "NixOS").tooltip.find("another protocol version") != std::string::npos);
}

TEST_CASE("the user shutting the distro down is stopping, then stopped, without alarm") {
  auto state = connected();
  state = fold(state, {UserRequestedStop{}});
  CHECK(state.condition == TrayCondition::stopping);
  state = fold(state, {LinkUnreachable{UnreachableReason::connection_lost, "ended", 500ms, true, true}});
  CHECK(state.condition == TrayCondition::stopped);
  state = fold(state, {DistroPowerObserved{DistroPower::stopped, ""}});
  CHECK(state.condition == TrayCondition::stopped);
  CHECK(present(state, "NixOS").icon == IconId::stopped);

  SECTION("start: starting until the agent answers") {
    state = fold(state, {UserRequestedStart{}});
    CHECK(state.condition == TrayCondition::starting);
    state = fold(state, {LinkConnected{hello(), "unix:/x"}, StatusReceived{running_status()}});
    CHECK(state.condition == TrayCondition::running);
    CHECK_FALSE(state.user_stopped);
  }
  SECTION("a failing start command is reported and the state goes back") {
    state = fold(state, {UserRequestedStart{}, DistroActionFailed{"start", "wsl.exe exited with 1"}});
    CHECK(state.condition == TrayCondition::stopped);
    CHECK(present(state, "NixOS").detail.find("wsl.exe exited with 1") != std::string::npos);
  }
}

TEST_CASE("a distro that stopped by itself is stopped, and missing is unreachable") {
  auto state = connected();
  state = fold(state, {LinkUnreachable{UnreachableReason::connection_lost, "ended", 500ms, true, false}});
  CHECK(state.condition == TrayCondition::unreachable);
  state = fold(state, {DistroPowerObserved{DistroPower::stopped, ""}});
  CHECK(state.condition == TrayCondition::stopped);
  state = fold(state, {DistroPowerObserved{DistroPower::missing, "there is no distro named NixOS"}});
  CHECK(state.condition == TrayCondition::unreachable);
  CHECK(present(state, "NixOS").detail == "there is no distro named NixOS");
}

TEST_CASE("verify-boot owns the state while it runs, and a failure stays until dismissed") {
  auto state = connected();
  state = fold(state, {LinkPaused{"verify-boot"}, VerifyProgress{"restarting", "terminating the distro"}});
  CHECK(state.condition == TrayCondition::verifying);
  state = fold(state, {LinkUnreachable{UnreachableReason::connection_lost, "ended", 500ms, true, true}});
  CHECK(state.condition == TrayCondition::verifying);
  CHECK(present(state, "NixOS").tooltip.find("verifying boot: restarting") != std::string::npos);
  CHECK(present(state, "NixOS").icon == IconId::verifying);  // its own picture, not a job's

  VerifyFinished finished{VerifyOutcome::rolled_back, "generation 42 did not boot; rolled back to 41", 42};
  finished.headline = sentence("Generation %s did not start: its agent did not answer in time", {"42"});
  state = fold(state, {LinkResumed{}, LinkConnected{hello(), "unix:/x"}, StatusReceived{running_status(41)}, finished});
  CHECK(state.condition == TrayCondition::verify_failed);
  // The headline in words, not the command's name.
  const auto tooltip = present(state, "NixOS").tooltip;
  CHECK(tooltip.find("Generation 42 did not start: its agent did not answer in time") != std::string::npos);
  CHECK(tooltip.find("verify-boot") == std::string::npos);
  state = fold(state, {UserDismissedFailure{}});
  CHECK(state.condition == TrayCondition::running);
}

TEST_CASE("a paused link that lost its connection is starting, not unreachable") {
  auto state = connected();
  state = fold(state, {LinkPaused{"verify-boot"},
                       LinkUnreachable{UnreachableReason::connection_lost, "ended", 500ms, true, true}});
  CHECK(state.condition == TrayCondition::starting);
}

TEST_CASE("systemd states map onto tray states") {
  auto status = running_status();
  status.system_state = protocol::SystemState::starting;
  CHECK(connected(status).condition == TrayCondition::starting);
  status.system_state = protocol::SystemState::offline;
  CHECK(connected(status).condition == TrayCondition::degraded);
  CHECK(present(connected(status), "NixOS").tooltip.find("systemd does not answer") != std::string::npos);
  status.system_state = protocol::SystemState::stopping;
  CHECK(connected(status).condition == TrayCondition::stopping);
}

TEST_CASE("tooltips are cut to what Windows shows, at a character boundary") {
  auto state = connected();
  auto failed = job("17", protocol::JobState::failed);
  failed.summary = std::string(100, 'x') + "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E" + std::string(100, 'y');
  state = fold(state, {JobUpdated{failed}});
  const auto tooltip = present(state, "NixOS").tooltip;
  CHECK(tooltip.size() <= TrayPresentation::tooltip_limit);
  CHECK(tooltip.ends_with("\xE2\x80\xA6"));
}

TEST_CASE("short NixOS versions") {
  CHECK(short_nixos_version("24.05.20240601.abcdef0 (Uakari)") == "24.05");
  CHECK(short_nixos_version("24.11pre-git") == "24.11");
  CHECK(short_nixos_version("unstable") == "unstable");
  CHECK(short_nixos_version("") == "");
}

TEST_CASE("the reducer is deterministic") {
  const auto a = connected();
  const auto b = connected();
  CHECK(a.condition == b.condition);
  CHECK(present(a, "NixOS").tooltip == present(b, "NixOS").tooltip);
}
