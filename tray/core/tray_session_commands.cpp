// What a front end asks of the TraySession: the menu's commands, verify boot and onboarding.
#include "core/distro/process_runner.hpp"
#include "core/onboarding/agent_install_rebuild.hpp"
#include "core/state/action_error_text.hpp"
#include "core/state/space_notice.hpp"
#include "core/tray_session.hpp"
#include "core/verify/rescue_command.hpp"
#include "core/verify/session_verify.hpp"

namespace nixtray::tray {

namespace asio = net::asio;

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
      rebuild(command.mode.value_or(protocol::RebuildMode::switch_), !command.without_verify);
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
    case MenuAction::verify_boot:
      verify_boot(false);
      break;
    case MenuAction::rebuild_and_verify:
      verify_boot(true);
      break;
    case MenuAction::update:
      update_flake();
      break;
    case MenuAction::none:
    case MenuAction::show_status_window:
    case MenuAction::show_unit:
    case MenuAction::show_job_log:
    case MenuAction::open_settings:
    case MenuAction::show_space:
    case MenuAction::select_target:  // the front end's: which session it talks to
    case MenuAction::add_target:     // the front end's: the fleet grows
    case MenuAction::try_on_copy:    // the front end's: a session of its own for the copy
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
  const auto argv = rescue_rollback_argv(profile_dir_, generation);
  auto self = shared_from_this();
  asio::co_spawn(
      executor_,
      [self, argv, generation]() -> asio::awaitable<void> {
        auto rescuing = self->control_->run_as_root(argv);
        const auto rescued = co_await std::move(rescuing);
        if (!rescued.ok) {
          self->report_error(sentence("Rolling back to generation %1$s from outside failed: %2$s (%3$s)",
                                      {std::to_string(generation), rescued.message, quote_command_line(argv)}));
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
        self->report_error(action_error_sentence(started.error()));
        // Refused for lack of disk space: the notification offers the Space window.
        if (const auto notice = space_refusal_notice(started.error(), self->distro_); notice) {
          if (self->callbacks_.on_notification) self->callbacks_.on_notification(*notice);
        }
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

void TraySession::rebuild(protocol::RebuildMode mode, bool verify) {
  skip_verify_of_flow_ = !verify;
  run_flow_command(flow_.begin(mode, settings_.flake, settings_.review_rebuild));
}

void TraySession::update_flake() {
  skip_verify_of_flow_ = false;
  run_flow_command(flow_.begin_update(settings_.flake));
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
    if (!started) self->report_error(action_error_sentence(started.error()));
  });
}

void TraySession::cancel_job(const std::string& job_id) {
  auto self = shared_from_this();
  actions_.cancel_job(job_id, [self](ActionResult<protocol::Job> cancelled) {
    if (!cancelled) self->report_error(action_error_sentence(cancelled.error()));
  });
}

void TraySession::dismiss_failure() { apply(UserDismissedFailure{}); }

void TraySession::reconnect() { link_->reconnect_now(); }

void TraySession::open_terminal() {
  if (!control_) return;
  // A stopped distro is started first, as `wsl.exe -d` starts it for a console, and the tray
  // follows it as it follows Start distro; then the terminal opens in it.
  const bool start_first = control_->has_lifecycle() && state_.condition == TrayCondition::stopped;
  if (start_first) {
    apply(UserRequestedStart{});
    link_->user_started_distro();
  }
  auto self = shared_from_this();
  asio::co_spawn(
      executor_,
      [self, start_first]() -> asio::awaitable<void> {
        if (start_first) {
          auto starting = self->control_->start();
          const auto started = co_await std::move(starting);
          if (!started.ok) {
            self->apply(DistroActionFailed{"start", started.message});
            co_return;
          }
          self->link_->reconnect_now();
        }
        auto op = self->control_->open_terminal();
        const auto result = co_await std::move(op);
        if (!result.ok) self->report_error(sentence("A terminal could not be opened: %s", {result.message}));
      },
      asio::detached);
}

void TraySession::report_flow() {
  if (callbacks_.on_rebuild_flow) callbacks_.on_rebuild_flow(flow_);
  // "Verify boot after each rebuild": once per finished job.
  if (flow_.job_id() != verified_rebuild_job_ &&
      verify_after_rebuild(flow_, settings_, control_ && control_->has_lifecycle())) {
    verified_rebuild_job_ = flow_.job_id();
    if (!skip_verify_of_flow_) verify_boot(false);
  }
}

std::shared_ptr<BootVerifier> TraySession::make_verifier(const BootCheckRequest& request,
                                                         std::function<void(const VerifyReport&)> done) {
  auto options = boot_verifier_options(settings_, connection_options(), profile_dir_);
  if (request.boot_timeout) options.boot_timeout = *request.boot_timeout;
  // Each attempt to reach the agent fits in the boot's wait.
  options.agent.connect_timeout = std::min(options.agent.connect_timeout, options.boot_timeout);
  if (request.no_rollback) options.auto_rollback = false;
  auto callbacks = session_verify_callbacks(weak_from_this(), std::move(done));
  if (request.on_step) {
    callbacks.on_step = [outer = request.on_step, inner = std::move(callbacks.on_step)](const VerifyStep& step) {
      outer(step);
      inner(step);
    };
  }
  verifier_ = BootVerifier::create(executor_, std::move(options), control_, std::move(callbacks));
  return verifier_;
}

void TraySession::verify_boot(bool rebuild_first) {
  if (verifier_ && verifier_->running()) {
    report_error(sentence("Boot verification is already running."));
    return;
  }
  BootCheckRequest request;
  if (rebuild_first) request.rebuild_first = rebuild_before_verify(settings_);
  const auto expected = state_.status ? state_.status->generations.default_generation : std::nullopt;
  verify_view_.emplace(++verify_serial_, rebuild_first, expected);
  const auto weak = weak_from_this();
  request.on_step = [weak](const VerifyStep& step) {
    auto self = weak.lock();
    if (!self || !self->verify_view_) return;
    self->verify_view_->step(step);
    self->report_verify_view();
  };
  auto verifier = make_verifier(request, [weak](const VerifyReport& report) {
    auto self = weak.lock();
    if (!self || !self->verify_view_) return;
    self->verify_view_->finish(report);
    self->report_verify_view();
  });
  report_verify_view();
  verifier->start(verify_request_for(*this, request.rebuild_first));
}

void TraySession::report_verify_view() {
  if (verify_view_ && callbacks_.on_verify) callbacks_.on_verify(*verify_view_);
}

asio::awaitable<VerifyReport> TraySession::check_boot(BootCheckRequest request) {
  auto self = shared_from_this();
  if (verifier_ && verifier_->running()) {
    VerifyReport busy;
    busy.message = "boot verification is already running";
    co_return busy;
  }
  auto verifier = make_verifier(request);
  auto checking = verifier->run(verify_request_for(*this, std::move(request.rebuild_first)));
  co_return co_await std::move(checking);
}

std::optional<VerifyRecord> TraySession::interrupted_verify() const {
  const auto* remembered = record();
  return remembered ? remembered->verify_in_progress : std::nullopt;
}

void TraySession::record_verify(std::optional<VerifyRecord> in_progress) {
  change_record([&](DistroRecord& r) { r.verify_in_progress = in_progress; });
}

void TraySession::record_known_good(int generation) {
  change_record([&](DistroRecord& r) { r.known_good = generation; });
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

asio::awaitable<NixosInstallReport> TraySession::install_nixos(NixosImportRequest request,
                                                               InstallStepObserver observer) {
  auto self = shared_from_this();
  const auto wsl = wsl_options();
  if (!wsl) {
    NixosInstallReport refused;
    refused.steps.push_back({InstallStepName::check, InstallStepState::failed,
                             "NixOS can only be installed where the distro is controlled with wsl.exe"});
    co_return refused;
  }
  auto installing = tray::install_nixos(*wsl, std::move(request), std::move(observer));
  co_return co_await std::move(installing);
}

asio::awaitable<ControlResult> TraySession::add_agent() {
  auto self = shared_from_this();
  const auto wsl = wsl_options();
  if (!wsl) co_return ControlResult::failure("the rebuild can only run where the distro is controlled with wsl.exe");
  auto rebuilding = run_agent_install_rebuild(*wsl, settings_);
  co_return co_await std::move(rebuilding);
}

}  // namespace nixtray::tray
