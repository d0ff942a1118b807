#include "session_host.hpp"

#include "ui_thread.hpp"

#include "core/verify/session_verify.hpp"

#include <algorithm>

namespace nixtray::gui {

struct SessionHost::Shared : std::enable_shared_from_this<SessionHost::Shared> {
  SessionObserver* observer = nullptr;  // read on the GUI thread only; null once the host is gone
  LatestValue<SessionSnapshot> snapshot;
  Inbox<tray::RebuildFlow> flows;
  Inbox<tray::Sentence> errors;
  Inbox<tray::Notification> notifications;
  Inbox<tray::JobLogReceived> logs;
  LatestValue<tray::VerifyProgressView> verify;  // each view holds the whole check so far

  // Any thread: one drain per burst.
  void wake(bool needed) {
    if (needed) {
      run_on_ui([self = shared_from_this()] { self->drain(); });
    }
  }

  // GUI thread. The state first, so a notification or a flow step finds the window up to date.
  void drain() {
    if (!observer) return;
    if (auto latest = snapshot.take()) observer->session_changed(*latest);
    if (auto view = verify.take()) observer->verify_changed(*view);
    for (auto& flow : flows.take_all()) {
      if (observer) observer->rebuild_flow_changed(flow);
    }
    for (auto& error : errors.take_all()) {
      if (observer) observer->action_failed(error);
    }
    for (auto& notification : notifications.take_all()) {
      if (observer) observer->notification_arrived(notification);
    }
    for (auto& log : logs.take_all()) {
      if (observer) observer->job_log_arrived(log);
    }
  }
};

SessionHost::SessionHost(IoThread& io, SessionObserver& observer) : io_(io), shared_(std::make_shared<Shared>()) {
  shared_->observer = &observer;
}

SessionHost::~SessionHost() { shared_->observer = nullptr; }

void SessionHost::start(tray::SessionSetup selected, std::vector<tray::SessionSetup> others) {
  wsl_options_ = tray::wsl_options_of(selected.control.get());
  auto setups = std::make_shared<std::vector<tray::SessionSetup>>();
  setups->push_back(std::move(selected));
  for (auto& other : others) setups->push_back(std::move(other));
  io_.post([this, setups] {
    fleet_.reset();  // stops the sessions
    selected_ = setups->front().settings.target_name();
    settings_path_ = setups->front().settings_file.path();
    use_ = setups->front().use;
    discovery_.reset();
    found_.clear();
    for (const auto& setup : *setups) {
      if (auto wsl = tray::wsl_options_of(setup.control.get()); wsl && !discovery_) discovery_ = std::move(wsl);
    }
    auto shared = shared_;
    tray::FleetCallbacks callbacks;
    // Any target's state changes the icon and the Targets menu: a new snapshot.
    callbacks.on_state = [this](const std::string&, const tray::TrayState&) { publish(); };
    callbacks.on_notification = [shared](const std::string&, const tray::Notification& notification) {
      shared->wake(shared->notifications.push(notification));
    };
    callbacks.on_error = [this, shared](const std::string& target, const tray::Sentence& message) {
      if (target == selected_) {
        shared->wake(shared->errors.push(message));
        return;
      }
      auto named = tray::sentence("%1$s: %2$s", {target, std::string()});
      named.nest(1, message);
      shared->wake(shared->errors.push(std::move(named)));
    };
    // What only the selected target's windows show.
    callbacks.on_session = [this, shared](const std::string& target, tray::TraySessionCallbacks& named) {
      named.on_rebuild_flow = [this, shared, target](const tray::RebuildFlow& flow) {
        if (target == selected_) shared->wake(shared->flows.push(flow));
      };
      named.on_job_log = [this, shared, target](const tray::JobLogReceived& log) {
        if (target == selected_) shared->wake(shared->logs.push(log));
      };
      named.on_verify = [this, shared, target](const tray::VerifyProgressView& view) {
        if (target == selected_) shared->wake(shared->verify.put(view));
      };
    };
    fleet_ = std::make_unique<tray::TargetFleet>(io_.executor(), std::move(*setups), std::move(callbacks));
    // The first picture: connecting, with the settings and menu context the session starts from.
    publish();
    fleet_->start();
    discover();
  });
}

void SessionHost::discover() {
  if (!discovery_ || !fleet_) return;
  const auto document = tray::SettingsFile(settings_path_).load().document;
  net::asio::co_spawn(io_.executor(), tray::discover_wsl_distros(*discovery_, document),
                      [this](std::exception_ptr error, tray::DistroDiscovery discovery) {
                        if (error || !discovery.ok || !fleet_) return;  // nothing to offer: the menu stays as it is
                        found_ = std::move(discovery.distros);
                        publish();
                      });
}

void SessionHost::add_found_distro(const std::string& distro) {
  const auto found =
      std::find_if(found_.begin(), found_.end(), [&](const tray::FoundDistro& f) { return f.distro == distro; });
  if (found == found_.end() || !discovery_ || !fleet_) return;
  try {
    const auto added = tray::add_found_distro(tray::SettingsFile(settings_path_), *found, discovery_->wsl);
    tray::SessionFlags flags;
    flags.config = settings_path_;
    flags.target = added.target_name();
    fleet_->add(tray::make_session_setup(flags, use_, added));
  } catch (const std::exception& e) {
    shared_->wake(
        shared_->errors.push(tray::sentence("%1$s could not be added as a target: %2$s", {distro, e.what()})));
    return;
  }
  found_.erase(found);
  publish();
  discover();
}

void SessionHost::restart_selected(tray::SessionSetup setup) {
  wsl_options_ = tray::wsl_options_of(setup.control.get());
  auto payload = std::make_shared<tray::SessionSetup>(std::move(setup));
  io_.post([this, payload] {
    if (!fleet_) return;
    fleet_->replace(selected_, std::move(*payload));
    publish();
  });
}

void SessionHost::select(const std::string& target) {
  io_.post([this, target] {
    if (!fleet_ || !fleet_->session(target)) return;
    selected_ = target;
    publish();
  });
}

std::shared_ptr<tray::TraySession> SessionHost::selected_session() const {
  return fleet_ ? fleet_->session(selected_) : nullptr;
}

void SessionHost::publish() {
  const auto session = selected_session();
  if (!session) return;
  SessionSnapshot snapshot{session->state(), session->menu_context(), session->settings(), std::nullopt};
  snapshot.menu.trying_on_copy = trying_on_copy_;
  const auto names = fleet_->names();
  for (const auto& found : found_) {
    if (found.worth_adding()) snapshot.menu.found_distros.push_back(found.distro);
  }
  if (names.size() > 1) snapshot.fleet = fleet_->view();
  if (names.size() > 1 || !snapshot.menu.found_distros.empty()) {
    for (const auto& name : names) {
      const auto target = fleet_->session(name);
      const auto& state = target->state();
      snapshot.menu.targets.push_back({name, state.condition, tray::present(state, name).unverified_badge,
                                       name == selected_, tray::target_actions(name, state, target->menu_context())});
    }
  }
  shared_->wake(shared_->snapshot.put(std::move(snapshot)));
}

void SessionHost::stop() {
  io_.run_and_wait([this] { fleet_.reset(); });
}

void SessionHost::with_session(std::function<void(tray::TraySession&)> fn) {
  io_.post([this, fn = std::move(fn)] {
    if (const auto session = selected_session()) fn(*session);
  });
}

void SessionHost::perform(const tray::MenuCommand& command) {
  if (command.action == tray::MenuAction::add_target) {
    io_.post([this, distro = command.distro] { add_found_distro(distro); });
    return;
  }
  with_session([command](tray::TraySession& session) { session.perform(command); });
}

void SessionHost::answer_rebuild_review(bool activate) {
  with_session([activate](tray::TraySession& session) { session.answer_rebuild_review(activate); });
}

void SessionHost::set_start_at_login(bool enabled) {
  with_session([enabled](tray::TraySession& session) { session.set_start_at_login(enabled); });
}

tray::AppliedSettings SessionHost::apply_settings(const tray::TraySettings& settings) {
  tray::AppliedSettings applied;
  io_.run_and_wait([this, &settings, &applied] {
    if (const auto session = selected_session()) applied = session->apply_settings(settings);
  });
  return applied;
}

void SessionHost::verify_boot(bool rebuild_first) {
  with_session([rebuild_first](tray::TraySession& session) { session.verify_boot(rebuild_first); });
}

void SessionHost::install_nixos(tray::NixosImportRequest request, std::function<void(tray::InstallStep)> on_step,
                                std::function<void(tray::NixosInstallReport)> done) {
  io_.post([this, request = std::move(request), on_step = std::move(on_step), done = std::move(done)]() mutable {
    const auto selected = selected_session();
    if (!selected) return;
    // The coroutine keeps the session alive until it is done.
    auto install = [session = selected, request = std::move(request), on_step = std::move(on_step)]() mutable {
      return session->install_nixos(std::move(request), [on_step](const tray::InstallStep& step) { on_step(step); });
    };
    net::asio::co_spawn(io_.executor(), std::move(install),
                        [done](std::exception_ptr error, tray::NixosInstallReport report) {
                          if (error) {
                            report = {};
                            report.steps.push_back({tray::InstallStepName::check, tray::InstallStepState::failed,
                                                    "the installation stopped unexpectedly"});
                          }
                          done(std::move(report));
                        });
  });
}

void SessionHost::rebuild_to_add_agent(std::function<void(tray::ControlResult)> done) {
  io_.post([this, done = std::move(done)]() mutable {
    const auto selected = selected_session();
    if (!selected) return;
    net::asio::co_spawn(
        io_.executor(), [session = selected] { return session->add_agent(); },
        [done](std::exception_ptr error, tray::ControlResult result) {
          done(error ? tray::ControlResult::failure("the rebuild stopped unexpectedly") : std::move(result));
        });
  });
}

void SessionHost::try_on_copy(std::function<void(tray::TrialStep)> on_step,
                              std::function<void(tray::VerifyStep)> on_check_step,
                              std::function<void(tray::CopyTrialReport)> done) {
  io_.post([this, on_step = std::move(on_step), on_check_step = std::move(on_check_step),
            done = std::move(done)]() mutable {
    const auto session = selected_session();
    if (!session || trying_on_copy_) return;
    // The selected target's set-up as the settings file has it (the copy is made from it).
    std::vector<std::string> problems;
    auto setups = tray::target_setups(settings_path_, use_, false, problems);
    const auto setup = std::find_if(setups.begin(), setups.end(),
                                    [&](const tray::SessionSetup& s) { return s.settings.target_name() == selected_; });
    if (setup == setups.end()) {
      tray::CopyTrialReport report;
      report.original = session->distro();
      tray::set_outcome(report,
                        tray::sentence("The settings file has no target named %s to make a copy of.", {selected_}));
      done(std::move(report));
      return;
    }
    tray::CopyTrialRequest request;
    request.rebuild = tray::rebuild_before_verify(setup->settings);
    tray::CopyTrialObserver observer{std::move(on_step), std::move(on_check_step)};
    trying_on_copy_ = true;
    publish();
    net::asio::co_spawn(io_.executor(), tray::try_on_copy(std::move(*setup), std::move(request), std::move(observer)),
                        [this, done = std::move(done), distro = session->distro()](std::exception_ptr error,
                                                                                   tray::CopyTrialReport report) {
                          trying_on_copy_ = false;
                          if (error) {
                            report = {};
                            report.original = distro;
                            tray::set_outcome(report, tray::sentence("The trial on a copy stopped unexpectedly."));
                          }
                          done(std::move(report));
                          publish();
                        });
  });
}

void SessionHost::reconnect() {
  with_session([](tray::TraySession& session) { session.reconnect(); });
}

void SessionHost::follow_job_log(const std::string& job_id) {
  with_session([job_id](tray::TraySession& session) { session.follow_job_log(job_id); });
}

void SessionHost::unfollow_job_log(const std::string& job_id) {
  with_session([job_id](tray::TraySession& session) { session.unfollow_job_log(job_id); });
}

template <class T>
void SessionHost::reply_not_connected(const tray::Reply<T>& reply) {
  reply(tray::ActionError{tray::ActionErrorKind::not_connected, "not connected to the agent", 0, nullptr});
}

void SessionHost::mark_good(int generation, tray::Reply<int> reply) {
  io_.post([this, generation, reply = std::move(reply)] {
    const auto session = selected_session();
    if (!session) return reply_not_connected(reply);
    session->actions().mark_good(generation, reply);
  });
}

void SessionHost::collect_garbage(int keep, tray::Reply<std::string> reply) {
  io_.post([this, keep, reply = std::move(reply)] {
    const auto session = selected_session();
    if (!session) return reply_not_connected(reply);
    tray::GcRequest request;
    request.keep = keep;
    session->actions().collect_garbage(request, reply);
  });
}

void SessionHost::diff_generations(int from, int to, tray::Reply<protocol::GenerationsDiff> reply) {
  io_.post([this, from, to, reply = std::move(reply)] {
    const auto session = selected_session();
    if (!session) return reply_not_connected(reply);
    protocol::GenerationsDiffParams params;
    params.from = from;
    params.to = to;
    session->actions().diff_generations(std::move(params), reply);
  });
}

void SessionHost::unit_log(const std::string& unit, int lines, tray::Reply<protocol::UnitsLogResult> reply) {
  io_.post([this, unit, lines, reply = std::move(reply)] {
    const auto session = selected_session();
    if (!session) return reply_not_connected(reply);
    session->actions().unit_log(unit, lines, reply);
  });
}

void SessionHost::job_log(const std::string& job_id, std::int64_t from, int limit,
                          tray::Reply<protocol::LogChunk> reply) {
  io_.post([this, job_id, from, limit, reply = std::move(reply)] {
    const auto session = selected_session();
    if (!session) return reply_not_connected(reply);
    session->actions().job_log(job_id, from, limit, reply);
  });
}

void SessionHost::deliver_job_log(tray::JobLogReceived log) { shared_->wake(shared_->logs.push(std::move(log))); }

}  // namespace nixtray::gui
