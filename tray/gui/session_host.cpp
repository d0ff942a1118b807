#include "session_host.hpp"

#include "ui_thread.hpp"

namespace nixtray::gui {

struct SessionHost::Shared : std::enable_shared_from_this<SessionHost::Shared> {
  SessionObserver* observer = nullptr;  // read on the GUI thread only; null once the host is gone
  LatestValue<SessionSnapshot> snapshot;
  Inbox<tray::RebuildFlow> flows;
  Inbox<std::string> errors;
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

void SessionHost::start(tray::SessionSetup setup) {
  wsl_options_ = tray::wsl_options_of(setup.control.get());
  auto shared = shared_;
  auto payload = std::make_shared<tray::SessionSetup>(std::move(setup));
  io_.post([this, shared, payload] {
    if (session_) {
      session_->stop();
      session_.reset();
    }
    auto weak = std::make_shared<std::weak_ptr<tray::TraySession>>();
    tray::TraySessionCallbacks callbacks;
    callbacks.on_state = [shared, weak](const tray::TrayState& state) {
      auto session = weak->lock();
      if (!session) return;
      shared->wake(shared->snapshot.put(SessionSnapshot{state, session->menu_context(), session->settings()}));
    };
    callbacks.on_notification = [shared](const tray::Notification& notification) {
      shared->wake(shared->notifications.push(notification));
    };
    callbacks.on_rebuild_flow = [shared](const tray::RebuildFlow& flow) { shared->wake(shared->flows.push(flow)); };
    callbacks.on_job_log = [shared](const tray::JobLogReceived& log) { shared->wake(shared->logs.push(log)); };
    callbacks.on_error = [shared](const std::string& message) { shared->wake(shared->errors.push(message)); };
    callbacks.on_verify = [shared](const tray::VerifyProgressView& view) { shared->wake(shared->verify.put(view)); };
    session_ = tray::TraySession::create(io_.executor(), std::move(*payload), std::move(callbacks));
    *weak = session_;
    // The first picture: connecting, with the settings and menu context the session starts from.
    shared->wake(
        shared->snapshot.put(SessionSnapshot{session_->state(), session_->menu_context(), session_->settings()}));
    session_->start();
  });
}

void SessionHost::stop() {
  io_.run_and_wait([this] {
    if (session_) {
      session_->stop();
      session_.reset();
    }
  });
}

void SessionHost::with_session(std::function<void(tray::TraySession&)> fn) {
  io_.post([this, fn = std::move(fn)] {
    if (session_) fn(*session_);
  });
}

void SessionHost::perform(const tray::MenuCommand& command) {
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
    if (session_) applied = session_->apply_settings(settings);
  });
  return applied;
}

void SessionHost::verify_boot(bool rebuild_first) {
  with_session([rebuild_first](tray::TraySession& session) { session.verify_boot(rebuild_first); });
}

void SessionHost::install_nixos(tray::NixosImportRequest request, std::function<void(tray::InstallStep)> on_step,
                                std::function<void(tray::NixosInstallReport)> done) {
  io_.post([this, request = std::move(request), on_step = std::move(on_step), done = std::move(done)]() mutable {
    if (!session_) return;
    // The coroutine keeps the session alive until it is done.
    auto install = [session = session_, request = std::move(request), on_step = std::move(on_step)]() mutable {
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
    if (!session_) return;
    net::asio::co_spawn(
        io_.executor(), [session = session_] { return session->add_agent(); },
        [done](std::exception_ptr error, tray::ControlResult result) {
          done(error ? tray::ControlResult::failure("the rebuild stopped unexpectedly") : std::move(result));
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
    if (!session_) return reply_not_connected(reply);
    session_->actions().mark_good(generation, reply);
  });
}

void SessionHost::collect_garbage(int keep, tray::Reply<std::string> reply) {
  io_.post([this, keep, reply = std::move(reply)] {
    if (!session_) return reply_not_connected(reply);
    tray::GcRequest request;
    request.keep = keep;
    session_->actions().collect_garbage(request, reply);
  });
}

void SessionHost::diff_generations(int from, int to, tray::Reply<protocol::GenerationsDiff> reply) {
  io_.post([this, from, to, reply = std::move(reply)] {
    if (!session_) return reply_not_connected(reply);
    protocol::GenerationsDiffParams params;
    params.from = from;
    params.to = to;
    session_->actions().diff_generations(std::move(params), reply);
  });
}

void SessionHost::unit_log(const std::string& unit, int lines, tray::Reply<protocol::UnitsLogResult> reply) {
  io_.post([this, unit, lines, reply = std::move(reply)] {
    if (!session_) return reply_not_connected(reply);
    session_->actions().unit_log(unit, lines, reply);
  });
}

void SessionHost::job_log(const std::string& job_id, std::int64_t from, int limit,
                          tray::Reply<protocol::LogChunk> reply) {
  io_.post([this, job_id, from, limit, reply = std::move(reply)] {
    if (!session_) return reply_not_connected(reply);
    session_->actions().job_log(job_id, from, limit, reply);
  });
}

void SessionHost::deliver_job_log(tray::JobLogReceived log) { shared_->wake(shared_->logs.push(std::move(log))); }

}  // namespace nixtray::gui
