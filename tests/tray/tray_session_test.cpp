// TraySession, the tray without its GUI, against a real agent with the command distro control;
// its rebuild review against an agent running real jobs inside a real systemd.
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "link_fixtures.hpp"
#include "pinned_flake.hpp"

#include "core/distro/command_distro_control.hpp"
#include "core/state/update_check.hpp"
#include "core/state/update_preview.hpp"
#include "core/tray_session.hpp"

#include <fstream>

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

// These sessions drive rebuilds and the link, not boot verification (on by default, which would
// restart the distro after a rebuild): verify_after_rebuild_test.cpp and tests/verify cover it.
TraySettings without_verify() {
  TraySettings settings;
  settings.auto_verify_after_rebuild = false;
  return settings;
}

struct SessionRun {
  SessionRun(const std::filesystem::path& agent_socket, CommandDistroCommands commands,
             TraySettings settings = without_verify())
      : settings_file(home / "settings.json") {
    TraySessionCallbacks callbacks;
    callbacks.on_state = [this](const TrayState& state) {
      last_state = state;
      ++states;
    };
    callbacks.on_notification = [this](const Notification& n) { notifications.push_back(n); };
    callbacks.on_error = [this](const Sentence& message) { errors.push_back(message.english()); };
    callbacks.on_rebuild_flow = [this](const RebuildFlow& flow) {
      flow_steps.push_back(flow.step());
      if (flow.step() == RebuildStep::reviewing && !asked) asked = flow;  // what the question shows
    };
    session = TraySession::create(watcher.io.get_executor(), settings_file, std::move(settings),
                                  link_options(unix_endpoint(agent_socket)),
                                  std::make_shared<CommandDistroControl>(std::move(commands)), std::move(callbacks));
    session->start();
  }
  ~SessionRun() {
    session->stop();
    watcher.io.restart();
    watcher.io.run_for(testing::scaled(10s));
  }

  testing::TempDir home{"nxs"};
  SettingsFile settings_file;
  LinkWatcher watcher;  // only its io_context and run_until are used
  std::shared_ptr<TraySession> session;
  TrayState last_state;
  int states = 0;
  std::vector<Notification> notifications;
  std::vector<std::string> errors;
  std::vector<RebuildStep> flow_steps;
  std::optional<RebuildFlow> asked;  // the flow when it first asked
};

CommandDistroCommands commands_for(const std::filesystem::path& agent_socket, const std::string& stop) {
  // The socket exists while the agent runs (it removes it when it stops).
  return parse_distro_commands("/bin/false", stop, "/usr/bin/test -S \"" + agent_socket.string() + "\"", "");
}

}  // namespace

TEST_CASE("the session reports the state and remembers the known-good generation on the host") {
  PlainDistro distro;
  distro.profile.add(2, "24.05.20240201.bbbbbbb (Uakari)");
  testing::TestAgent agent(distro.agent_options());
  SessionRun run(agent.socket(), commands_for(agent.socket(), "/bin/true"));
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  CHECK(run.states > 0);
  CHECK(run.session->menu_context().has_lifecycle);
  CHECK(run.last_state.generations.size() == 2);

  std::optional<ActionResult<int>> marked;
  run.session->actions().mark_good(2, [&](ActionResult<int> result) { marked.emplace(std::move(result)); });
  REQUIRE(run.watcher.run_until([&] { return marked.has_value(); }));
  REQUIRE(marked->ok());
  REQUIRE(run.watcher.run_until([&] { return known_good_generation(run.last_state) == 2; }));
  const auto saved = run.settings_file.load().settings;
  REQUIRE(saved.find_record());
  CHECK(saved.find_record()->known_good == 2);
  CHECK(run.session->menu_context().host_known_good == 2);
}

TEST_CASE("Open terminal on a stopped distro starts it first, then opens the terminal in it") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  testing::TempDir marks("nxt");
  const auto started = marks.path() / "started";
  const auto opened = marks.path() / "terminal-opened";
  // The terminal stand-in only counts when the start ran before it, as wsl.exe -d starts a distro.
  auto commands =
      parse_distro_commands("/usr/bin/touch " + started.string(), "/bin/kill -TERM " + std::to_string(agent.pid()),
                            "/usr/bin/test -S \"" + agent.socket().string() + "\"", "",
                            "/bin/sh -c \"test -e '" + started.string() + "' && touch '" + opened.string() + "'\"");
  SessionRun run(agent.socket(), std::move(commands));
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  run.session->perform(MenuCommand{MenuAction::stop_distro});
  REQUIRE(run.watcher.run_until([&] { return run.last_state.condition == TrayCondition::stopped; }));
  CHECK_FALSE(std::filesystem::exists(started));

  run.session->perform(MenuCommand{MenuAction::open_terminal});
  CHECK(run.last_state.user_starting);  // followed like Start distro
  REQUIRE(run.watcher.run_until([&] { return std::filesystem::exists(opened); }));
  CHECK(std::filesystem::exists(started));
  CHECK(run.errors.empty());
}

TEST_CASE("shutting down through the session is expected: stopped, and no notification") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  SessionRun run(agent.socket(), commands_for(agent.socket(), "/bin/kill -TERM " + std::to_string(agent.pid())));
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  run.session->perform(MenuCommand{MenuAction::stop_distro});
  CHECK(run.last_state.condition == TrayCondition::stopping);
  REQUIRE(run.watcher.run_until([&] { return run.last_state.condition == TrayCondition::stopped; }));
  run.watcher.run_for(testing::scaled(300ms));
  CHECK(run.last_state.condition == TrayCondition::stopped);
  CHECK(run.notifications.empty());
  CHECK(run.errors.empty());
}

TEST_CASE("a distro that stops by itself is notified through the session") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  SessionRun run(agent.socket(), commands_for(agent.socket(), "/bin/true"));
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  agent.kill();
  REQUIRE(run.watcher.run_until([&] { return !run.notifications.empty(); }));
  CHECK(run.notifications.front().kind == NotificationKind::distro_stopped);
  CHECK(run.last_state.condition == TrayCondition::stopped);
  run.watcher.run_for(testing::scaled(300ms));
  CHECK(run.notifications.size() == 1);
}

TEST_CASE("a failing start command is reported and the state does not stay 'starting'") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  SessionRun run(agent.socket(), commands_for(agent.socket(), "/bin/true"));
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  agent.kill();
  REQUIRE(run.watcher.run_until([&] { return run.last_state.condition == TrayCondition::stopped; }));
  run.session->start_distro();
  CHECK(run.last_state.condition == TrayCondition::starting);
  REQUIRE(run.watcher.run_until([&] { return run.last_state.distro_action_failure.has_value(); }));
  CHECK(run.last_state.condition == TrayCondition::stopped);
  CHECK(present(run.last_state, "NixOS").detail.find("`/bin/false` exited with 1") != std::string::npos);
}

TEST_CASE("rolling back from outside when the agent does not answer: the rescue as root, then a restart") {
  testing::TempDir dir("nxr");
  const auto log = (dir / "control.log").string();
  // A stand-in for every distro command that writes down what it is asked; exec-as-root is a
  // prefix the argv follows.
  const auto record = (dir / "record.sh").string();
  {
    std::ofstream script(record);
    script << "echo \"$*\" >> '" << log << "'\n";
  }
  auto commands = parse_distro_commands("/bin/sh " + record + " start", "/bin/sh " + record + " stop", "/bin/false",
                                        "/bin/sh " + record);
  SessionRun run(dir / "nothing-listens.sock", std::move(commands));
  MenuCommand command;
  command.action = MenuAction::rescue_rollback;
  command.generation = 2;
  run.session->perform(command);
  const auto lines = [&] {
    std::vector<std::string> read;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) read.push_back(line);
    return read;
  };
  const bool done = run.watcher.run_until([&] { return lines().size() >= 3; });
  for (const auto& error : run.errors) UNSCOPED_INFO("error: " << error);
  REQUIRE(done);
  CHECK(lines() == std::vector<std::string>{
                       "/nix/var/nix/profiles/system-2-link/sw/bin/nixtray-agent rescue rollback 2 --profile-dir "
                       "/nix/var/nix/profiles",
                       "stop", "start"});
  CHECK(run.errors.empty());
}

TEST_CASE("settings changed through the session are saved at once") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  SessionRun run(agent.socket(), commands_for(agent.socket(), "/bin/true"));
  run.session->perform(MenuCommand{MenuAction::toggle_start_at_login});
  CHECK(run.settings_file.load().settings.start_at_login);
  NotificationToggles toggles;
  toggles.unit_failed = false;
  run.session->set_notification_toggles(toggles);
  CHECK_FALSE(run.settings_file.load().settings.notifications.unit_failed);
}

TEST_CASE("a rebuild through the session: the flow starts a build job and its failure is notified") {
  PlainDistro distro;
  auto options = distro.agent_options();
  // A stand-in for nixos-rebuild that always fails, and no free-space floor for the temp disk.
  options.extra_args = {"--rebuild-command", "/bin/false", "--min-free-space", "0"};
  testing::TestAgent agent(options);
  SessionRun run(agent.socket(), commands_for(agent.socket(), "/bin/true"));
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  run.session->perform(MenuCommand{MenuAction::rebuild, protocol::RebuildMode::switch_});
  REQUIRE_FALSE(run.flow_steps.empty());
  CHECK(run.flow_steps.front() == RebuildStep::building);
  REQUIRE(run.watcher.run_until([&] { return run.session->rebuild_flow().step() == RebuildStep::failed; }));
  const auto& flow = run.session->rebuild_flow();
  if (!run.session->link().supports("jobs.start")) {
    CHECK(flow.failure().find("not supported by this agent") != std::string::npos);
    return;
  }
  if (flow.job_id().empty()) {
    // The agent refused to start the job (here: no systemd to run its unit in): the reason is shown.
    CHECK_FALSE(flow.failure().empty());
    REQUIRE_FALSE(run.errors.empty());
    CHECK(run.errors.back().find(flow.failure()) != std::string::npos);  // the agent's words as detail
    return;
  }
  // The build job (review first) failed: a notification with its summary and the job's log.
  REQUIRE(run.watcher.run_until([&] { return !run.notifications.empty(); }));
  const auto& note = run.notifications.front();
  CHECK(note.kind == NotificationKind::job_failed);
  CHECK(note.title.english() == "Rebuild failed");
  REQUIRE(note.action);
  CHECK(note.action->job_id == flow.job_id());
  CHECK(run.last_state.condition == TrayCondition::rebuild_failed);
  CHECK(run.settings_file.load().settings.find_record()->last_job_seen == flow.job_id());
}

TEST_CASE(
    "a reviewed rebuild through the session: the diff of the build is there when it asks, then that build is "
    "activated") {
  testing::JobsFixture f;  // generation 1 (hello 2.12.1) runs; the configuration builds hello 2.12.2
  SessionRun run(f.agent->socket(), commands_for(f.agent->socket(), "/bin/true"));
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  run.session->perform(MenuCommand{MenuAction::rebuild, protocol::RebuildMode::switch_});
  REQUIRE(run.watcher.run_until([&] { return run.asked.has_value() || !run.session->rebuild_flow().active(); }, 180s));
  REQUIRE(run.asked);
  const auto& asked = *run.asked;
  INFO("note: " << asked.diff_note() << "\nagent log:\n" << f.agent->log());
  REQUIRE(asked.built_system());
  CHECK(asked.built_system()->find("nixos-system") != std::string::npos);
  CHECK(std::find(run.flow_steps.begin(), run.flow_steps.end(), RebuildStep::comparing) != run.flow_steps.end());
  REQUIRE(asked.diff());
  CHECK(asked.diff_note().empty());
  CHECK(asked.diff()->from == 1);
  CHECK(asked.diff()->to_path == asked.built_system());
  CHECK(asked.diff()->to_closure_size > 0);
  const auto summary = summarize(*asked.diff(), 8);
  CHECK(summary.changed >= 1);  // hello, and the system itself (its version label)
  const auto hello = std::find_if(summary.shown.begin(), summary.shown.end(),
                                  [](const protocol::PackageChange& change) { return change.name == "hello"; });
  REQUIRE(hello != summary.shown.end());
  CHECK(hello->from_versions == std::vector<std::string>{"2.12.1"});
  CHECK(hello->to_versions == std::vector<std::string>{"2.12.2"});
  // Nothing is activated before the answer.
  CHECK(f.agent->status()["generations"]["default"] == 1);

  run.session->answer_rebuild_review(true);
  REQUIRE(run.watcher.run_until([&] { return !run.session->rebuild_flow().active(); }, 180s));
  const auto& flow = run.session->rebuild_flow();
  INFO("failure: " << flow.failure());
  REQUIRE(flow.step() == RebuildStep::finished);
  const auto activated = f.job(flow.job_id());
  CHECK(activated["args"]["system"] == *asked.built_system());
  CHECK(activated["generation_after"] == 2);
  CHECK(f.current_inside() == *asked.built_system());
  CHECK(run.errors.empty());
}

// An agent whose configuration's flake has an input with a newer revision than its lock pins (hello
// 2.12.3): what an update, and a check for one, finds.
struct MovedFlake {
  MovedFlake() { flake.move_to(f, "2.12.3"); }
  [[nodiscard]] TraySettings settings() const {
    auto chosen = without_verify();
    chosen.flake = flake.reference();
    return chosen;
  }

  testing::JobsFixture f{testing::PinnedFlake::options()};
  const testing::PinnedFlake flake{f};
  const std::string lock_before = flake.lock();
};

TEST_CASE("an update through the session: what moved and the diff are there when it asks, and Discard writes nothing") {
  MovedFlake moved;
  auto& f = moved.f;
  const auto& flake = moved.flake;
  const auto& lock_before = moved.lock_before;
  SessionRun run(f.agent->socket(), commands_for(f.agent->socket(), "/bin/true"), moved.settings());
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  run.session->perform(MenuCommand{MenuAction::update});
  REQUIRE(run.watcher.run_until([&] { return run.asked.has_value() || !run.session->rebuild_flow().active(); }, 180s));
  INFO("failure: " << run.session->rebuild_flow().failure() << "\nagent log:\n" << f.agent->log());
  REQUIRE(run.asked);
  const auto& asked = *run.asked;
  CHECK(asked.updating());
  CHECK(f.job(asked.job_id())["args"]["update"] == true);
  const auto preview = update_preview(asked);
  CHECK(preview.headline.english() == "1 input moved");
  REQUIRE(preview.inputs.size() == 1);
  CHECK(preview.inputs[0].name == "pins");
  CHECK(preview.inputs[0].to_revision == flake.head().substr(0, 7));
  REQUIRE(preview.packages.known);
  const auto hello = std::find_if(preview.packages.changes.begin(), preview.packages.changes.end(),
                                  [](const protocol::PackageChange& change) { return change.name == "hello"; });
  REQUIRE(hello != preview.packages.changes.end());
  CHECK(hello->to_versions == std::vector<std::string>{"2.12.3"});

  run.session->answer_rebuild_review(false);
  CHECK(run.session->rebuild_flow().step() == RebuildStep::cancelled);
  CHECK(flake.lock() == lock_before);
  CHECK(f.agent->status()["generations"]["default"] == 1);
  CHECK(run.errors.empty());
}

TEST_CASE("the daily check for updates: what moved is told with the Update action, remembered, and nothing changes") {
  MovedFlake moved;
  auto& f = moved.f;
  auto settings = moved.settings();
  settings.notifications.updates_available = true;
  const auto before = static_cast<std::int64_t>(std::time(nullptr));
  SessionRun run(f.agent->socket(), commands_for(f.agent->socket(), "/bin/true"), settings);
  run.session->start_update_checks();
  const auto found = [&] {
    return std::find_if(run.notifications.begin(), run.notifications.end(),
                        [](const Notification& n) { return n.kind == NotificationKind::updates_available; });
  };
  REQUIRE(run.watcher.run_until([&] { return found() != run.notifications.end(); }, 180s));
  const auto note = *found();
  INFO(note.title.english() << ": " << note.body.english());
  CHECK(note.title.english() == "Updates available");
  CHECK(note.body.english() == "1 input of NixOS moved: pins");
  REQUIRE(note.action);
  CHECK(note.action->kind == NotificationAction::Kind::update);
  // The agent's check: a dry-build with update, which writes no lock and makes no generation.
  const auto check = std::find_if(run.last_state.jobs.begin(), run.last_state.jobs.end(),
                                  [](const protocol::Job& job) { return is_update_check(job); });
  REQUIRE(check != run.last_state.jobs.end());
  CHECK(f.job(check->id)["args"]["mode"] == "dry-build");
  CHECK(moved.flake.lock() == moved.lock_before);
  CHECK(f.agent->status()["generations"]["default"] == 1);
  // Remembered per distro, in the session and in the file, so a tray started again waits a day.
  REQUIRE(run.session->record());
  REQUIRE(run.session->record()->last_update_check);
  CHECK(*run.session->record()->last_update_check >= before);
  const auto loaded = run.settings_file.load();
  const auto* saved = loaded.document.find(run.session->settings().target_name());
  REQUIRE(saved);
  CHECK(saved->distros.at("NixOS").last_update_check == run.session->record()->last_update_check);
  CHECK(run.errors.empty());
}

TEST_CASE("the daily check for updates waits a day after the last one, and never runs unless switched on") {
  testing::JobsFixture f;
  for (const bool switched_on : {true, false}) {
    auto settings = without_verify();
    settings.notifications.updates_available = switched_on;
    // Switched on, checked an hour ago: the next check is due in 23 hours.
    if (switched_on) settings.distros["NixOS"].last_update_check = static_cast<std::int64_t>(std::time(nullptr)) - 3600;
    SessionRun run(f.agent->socket(), commands_for(f.agent->socket(), "/bin/true"), settings);
    run.session->start_update_checks();
    REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
    (void)run.watcher.run_until([] { return false; }, 3s);  // events keep coming (status, space): none starts one
    INFO("switched on: " << switched_on);
    CHECK(run.last_state.jobs.empty());
    CHECK(run.errors.empty());
  }
}

TEST_CASE(
    "the session keeps the agent's space report, and a rebuild refused for lack of disk space offers the Space "
    "window") {
  // More free space required than any disk has: the agent refuses every rebuild (-32005).
  testing::JobsFixture f("999999999999999");
  SessionRun run(f.agent->socket(), commands_for(f.agent->socket(), "/bin/true"));
  REQUIRE(run.watcher.run_until([&] { return run.last_state.synced; }));
  // The `space` answer comes after the snapshots, once the agent has looked at the store.
  REQUIRE(run.watcher.run_until([&] { return run.last_state.space.has_value(); }, 120s));
  const auto& space = *run.last_state.space;
  CHECK(space.total_bytes > 0);
  CHECK(space.store_bytes > 0);
  REQUIRE(space.generations.size() == 1);
  CHECK(space.generations[0].number == 1);
  CHECK(space.generations[0].kept);

  run.session->perform(MenuCommand{MenuAction::rebuild, protocol::RebuildMode::switch_});
  // Other notifications may come first (generation 1 is unverified): the refusal's is the one.
  const auto refused = [&] {
    return std::find_if(run.notifications.begin(), run.notifications.end(),
                        [](const Notification& n) { return n.kind == NotificationKind::low_space; });
  };
  REQUIRE(run.watcher.run_until([&] { return refused() != run.notifications.end(); }, 60s));
  const auto note = *refused();
  INFO(note.title.english() << ": " << note.body.english());
  CHECK(note.kind == NotificationKind::low_space);
  CHECK(note.title.english() == "Rebuild refused: low disk space");
  CHECK(note.body.english().find("; a rebuild needs ") != std::string::npos);
  REQUIRE(note.action);
  CHECK(note.action->kind == NotificationAction::Kind::show_space);
  REQUIRE(!run.errors.empty());
  CHECK(run.errors.back().find("free") != std::string::npos);  // the agent's own message, for the status line
}
