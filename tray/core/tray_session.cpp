#include "core/tray_session.hpp"

#include "core/distro/process_runner.hpp"
#include "core/state/tray_state_reducer.hpp"
#include "core/verify/rescue_command.hpp"

namespace nixtray::tray {

namespace asio = net::asio;

std::shared_ptr<TraySession> TraySession::create(asio::any_io_executor executor, SettingsFile settings_file,
                                                 TraySettings settings, AgentLinkOptions link_options,
                                                 std::shared_ptr<DistroControl> control,
                                                 TraySessionCallbacks callbacks) {
  std::shared_ptr<TraySession> session(new TraySession(executor, std::move(settings_file), std::move(settings),
                                                       std::move(control), std::move(callbacks)));
  // Only a transport that would boot the distro, with a control that can tell whether it runs,
  // has to wait for it.
  link_options.connect_starts_distro =
      link_options.connect_starts_distro && session->control_ && session->control_->has_lifecycle();
  std::weak_ptr<TraySession> weak = session;  // the link must not keep the session alive
  session->link_ = AgentLink::create(
      executor, std::move(link_options),
      [weak](TrayEvent event) {
        if (auto self = weak.lock()) self->apply(std::move(event));
      },
      session->control_);
  session->actions_ = AgentActions(session->link_);
  return session;
}

TraySession::TraySession(asio::any_io_executor executor, SettingsFile settings_file, TraySettings settings,
                         std::shared_ptr<DistroControl> control, TraySessionCallbacks callbacks)
    : executor_(std::move(executor)),
      settings_file_(std::move(settings_file)),
      settings_(std::move(settings)),
      control_(std::move(control)),
      callbacks_(std::move(callbacks)),
      actions_(nullptr),
      rules_(settings_.notifications, settings_.find_record() ? settings_.find_record()->last_job_seen : std::nullopt,
             settings_.distro) {}

TraySession::~TraySession() { link_->stop(); }

void TraySession::start() { link_->start(); }

std::optional<VerifyRecord> TraySession::interrupted_verify() const {
  const auto* record = settings_.find_record();
  return record ? record->verify_in_progress : std::nullopt;
}

void TraySession::record_verify(std::optional<VerifyRecord> record) {
  settings_.record().verify_in_progress = std::move(record);
  save_settings();
}

void TraySession::stop() {
  stopped_ = true;
  link_->stop();
}

MenuContext TraySession::menu_context() const {
  MenuContext context;
  context.distro_name = settings_.distro;
  context.has_lifecycle = control_ && control_->has_lifecycle();
  context.can_shut_down_all = context.has_lifecycle && control_->can_shut_down_all();
  context.flake = settings_.flake;
  context.review_rebuild = settings_.review_rebuild;
  context.verify_after_rebuild = settings_.auto_verify_after_rebuild && context.has_lifecycle;
  context.start_at_login = settings_.start_at_login;
  if (const auto* record = settings_.find_record()) context.host_known_good = record->known_good;
  return context;
}

void TraySession::apply(TrayEvent event) {
  if (stopped_) return;
  if (const auto* log = std::get_if<JobLogReceived>(&event)) {
    if (callbacks_.on_job_log) callbacks_.on_job_log(*log);
    return;
  }
  const auto before = state_;
  state_ = TrayStateReducer::reduce(state_, event);
  auto decision = rules_.observe(before, state_, event);
  if (decision.last_job_seen) {
    settings_.record().last_job_seen = *decision.last_job_seen;
    save_settings();
  }
  remember(before);
  if (const auto* update = std::get_if<JobUpdated>(&event)) {
    run_flow_command(flow_.job_updated(update->job, current_generation(state_)));
  }
  if (callbacks_.on_state) callbacks_.on_state(state_);
  for (const auto& notification : decision.notifications) {
    if (callbacks_.on_notification) callbacks_.on_notification(notification);
  }
}

void TraySession::remember(const TrayState& before) {
  // The host keeps the known-good generation: after a bad switch the distro may not answer.
  const auto known_good = known_good_generation(state_);
  if (known_good && known_good != known_good_generation(before)) {
    auto& record = settings_.record();
    if (record.known_good != known_good) {
      record.known_good = known_good;
      save_settings();
    }
  }
}

void TraySession::save_settings() {
  try {
    settings_file_.save(settings_);
  } catch (const std::exception& e) {
    report_error(e.what());
  }
}

void TraySession::report_error(const std::string& message) {
  if (callbacks_.on_error) callbacks_.on_error(message);
}

void TraySession::report_flow() {
  if (callbacks_.on_rebuild_flow) callbacks_.on_rebuild_flow(flow_);
}

void TraySession::perform(const MenuCommand& command) {
  switch (command.action) {
    case MenuAction::start_distro:
      start_distro();
      break;
    case MenuAction::stop_distro:
      stop_distro(false);
      break;
    case MenuAction::shutdown_all_distros:
      stop_distro(true);
      break;
    case MenuAction::rebuild:
      rebuild(command.mode.value_or(protocol::RebuildMode::switch_));
      break;
    case MenuAction::rollback:
      if (command.generation) rollback(*command.generation, command.mode.value_or(protocol::RebuildMode::switch_));
      break;
    case MenuAction::rescue_rollback:
      if (command.generation) rescue_rollback(*command.generation);
      break;
    case MenuAction::cancel_job:
      cancel_job(command.job_id);
      break;
    case MenuAction::dismiss_failure:
      dismiss_failure();
      break;
    case MenuAction::reconnect:
      reconnect();
      break;
    case MenuAction::open_terminal:
      open_terminal();
      break;
    case MenuAction::toggle_start_at_login:
      set_start_at_login(!settings_.start_at_login);
      break;
    case MenuAction::verify_boot:         // the GUI runs BootVerifier with this session's callbacks
    case MenuAction::rebuild_and_verify:  // (session_verify.hpp): they take the lifecycle over
    case MenuAction::none:
    case MenuAction::show_status_window:
    case MenuAction::show_unit:
    case MenuAction::show_job_log:
    case MenuAction::open_settings:
    case MenuAction::quit:
      break;
  }
}

void TraySession::start_distro() {
  apply(UserRequestedStart{});
  link_->user_started_distro();
  if (!control_ || !control_->has_lifecycle()) {
    return;
  }
  auto self = shared_from_this();
  asio::co_spawn(
      executor_,
      [self]() -> asio::awaitable<void> {
        auto op = self->control_->start();
        const auto result = co_await std::move(op);
        if (!result.ok) {
          self->apply(DistroActionFailed{"start", result.message});
        }
        self->link_->reconnect_now();
      },
      asio::detached);
}

void TraySession::rescue_rollback(int generation) {
  if (!control_ || !control_->has_lifecycle()) return;
  const auto argv = rescue_rollback_argv(settings_.verify.profile_dir.value_or(default_distro_profile_dir), generation);
  auto self = shared_from_this();
  asio::co_spawn(
      executor_,
      [self, argv, generation]() -> asio::awaitable<void> {
        auto rescuing = self->control_->run_as_root(argv);
        const auto rescued = co_await std::move(rescuing);
        if (!rescued.ok) {
          self->report_error("Rolling back to generation " + std::to_string(generation) +
                             " from outside failed: " + rescued.message + " (" + quote_command_line(argv) + ")");
          co_return;
        }
        // The profile now boots the good generation: restart into it.
        auto terminating = self->control_->terminate();
        co_await std::move(terminating);
        self->start_distro();
      },
      asio::detached);
}

void TraySession::stop_distro(bool every_distro) {
  if (!control_ || !control_->has_lifecycle() || (every_distro && !control_->can_shut_down_all())) {
    return;
  }
  apply(UserRequestedStop{});
  link_->user_stopped_distro();
  auto self = shared_from_this();
  asio::co_spawn(
      executor_,
      [self, every_distro]() -> asio::awaitable<void> {
        auto op = every_distro ? self->control_->shutdown_all() : self->control_->terminate();
        const auto result = co_await std::move(op);
        if (!result.ok) {
          self->apply(DistroActionFailed{"shut down", result.message});
          co_return;
        }
        auto probe_op = self->control_->is_running();
        const auto probe = co_await std::move(probe_op);
        if (probe.state == RunningState::stopped) {
          self->apply(DistroPowerObserved{DistroPower::stopped, {}});
        }
      },
      asio::detached);
}

void TraySession::run_flow_command(RebuildFlow::Command command) {
  if (auto* start = std::get_if<RebuildFlow::StartJob>(&command)) {
    report_flow();
    auto self = shared_from_this();
    actions_.start_rebuild(start->request, [self](ActionResult<std::string> started) {
      if (started) {
        self->flow_.job_started(started.value());
        // The job's events may have raced the answer: feed what is known of it.
        for (const auto& job : self->state_.jobs) {
          if (job.id == started.value())
            self->run_flow_command(self->flow_.job_updated(job, current_generation(self->state_)));
        }
      } else {
        self->flow_.job_start_failed(started.error());
        self->report_error(started.error().message);
      }
      self->report_flow();
    });
  } else if (auto* diff = std::get_if<RebuildFlow::FetchDiff>(&command)) {
    report_flow();
    auto self = shared_from_this();
    actions_.diff_generations(diff->params,
                              [self, job = flow_.job_id()](ActionResult<protocol::GenerationsDiff> result) {
                                if (self->flow_.job_id() != job)
                                  return;  // a later rebuild started meanwhile: not its diff
                                self->flow_.diff_received(result);
                                self->report_flow();
                              });
  } else if (flow_.step() != RebuildStep::idle) {
    report_flow();
  }
}

void TraySession::rebuild(protocol::RebuildMode mode) {
  run_flow_command(flow_.begin(mode, settings_.flake, settings_.review_rebuild));
}

void TraySession::answer_rebuild_review(bool activate) {
  if (activate) {
    run_flow_command(flow_.confirm());
  } else {
    flow_.decline();
    report_flow();
  }
}

void TraySession::rollback(int generation, protocol::RebuildMode mode) {
  auto self = shared_from_this();
  actions_.rollback(RollbackRequest{generation, mode}, [self](ActionResult<std::string> started) {
    if (!started) self->report_error(started.error().message);
  });
}

void TraySession::cancel_job(const std::string& job_id) {
  auto self = shared_from_this();
  actions_.cancel_job(job_id, [self](ActionResult<protocol::Job> cancelled) {
    if (!cancelled) self->report_error(cancelled.error().message);
  });
}

void TraySession::dismiss_failure() { apply(UserDismissedFailure{}); }

void TraySession::reconnect() { link_->reconnect_now(); }

void TraySession::open_terminal() {
  if (!control_) return;
  auto self = shared_from_this();
  asio::co_spawn(
      executor_,
      [self]() -> asio::awaitable<void> {
        auto op = self->control_->open_terminal();
        const auto result = co_await std::move(op);
        if (!result.ok) self->report_error("cannot open a terminal: " + result.message);
      },
      asio::detached);
}

void TraySession::set_start_at_login(bool enabled) {
  settings_.start_at_login = enabled;
  save_settings();
  if (callbacks_.on_state) callbacks_.on_state(state_);
}

void TraySession::set_notification_toggles(NotificationToggles toggles) {
  settings_.notifications = toggles;
  rules_.set_toggles(toggles);
  save_settings();
}

void TraySession::update_settings(const TraySettings& edited) {
  auto records = std::move(settings_.distros);
  auto unknown = std::move(settings_.unknown_members);
  settings_ = edited;
  settings_.distros = std::move(records);
  settings_.unknown_members = std::move(unknown);
  rules_.set_toggles(settings_.notifications);
  save_settings();
  if (callbacks_.on_state) callbacks_.on_state(state_);
}

void TraySession::begin_verify(std::string reason) {
  link_->pause(reason);
  apply(VerifyProgress{"starting", std::move(reason)});
}

void TraySession::report_verify(VerifyProgress progress) { apply(std::move(progress)); }

void TraySession::end_verify(VerifyFinished finished) {
  apply(std::move(finished));
  link_->resume();
}

}  // namespace nixtray::tray
