#include "core/verify/session_verify.hpp"

#include "core/state/tray_state_reducer.hpp"

namespace nixtray::tray {

BootVerifierOptions boot_verifier_options(const TraySettings& settings, AgentConnectionOptions agent,
                                          std::string profile_dir) {
  BootVerifierOptions options;
  options.agent = std::move(agent);
  options.auto_rollback = settings.verify.auto_rollback;
  options.boot_timeout = std::chrono::seconds(std::max(1, settings.verify.boot_timeout_seconds));
  options.distro_profile_dir = std::move(profile_dir);
  return options;
}

VerifyRequest verify_request_for(const TraySession& session, std::optional<RebuildRequest> rebuild_first) {
  VerifyRequest request;
  if (const auto* record = session.record()) request.host_known_good = record->known_good;
  request.interrupted = session.interrupted_verify();
  request.rebuild_first = std::move(rebuild_first);
  return request;
}

RebuildRequest rebuild_before_verify(const TraySettings& settings) {
  return RebuildRequest{protocol::RebuildMode::boot, settings.flake, false};
}

bool verify_after_rebuild(const RebuildFlow& flow, const TraySettings& settings, bool has_lifecycle) {
  // An update's "Switch and verify" says it verifies, whatever the setting.
  return (settings.auto_verify_after_rebuild || flow.updating()) && has_lifecycle &&
         flow.step() == RebuildStep::finished &&
         (flow.mode() == protocol::RebuildMode::switch_ || flow.mode() == protocol::RebuildMode::boot);
}

std::optional<Notification> interrupted_verify_notification(const TraySettings& settings) {
  const auto* record = settings.find_record();
  if (!record || !record->verify_in_progress) return std::nullopt;
  Notification notification;
  notification.kind = NotificationKind::verify_failed;
  notification.key = "verify-interrupted:" + std::to_string(record->verify_in_progress->started);
  notification.title = sentence("Boot verification did not finish");
  // The record's description (times, the step it was at, the commands to run) stays English.
  notification.body = sentence("%s", {describe_interrupted_verify(*record->verify_in_progress)});
  notification.action = NotificationAction{NotificationAction::Kind::show_status_window, "Show status", {}, {}};
  return notification;
}

std::optional<Notification> verify_notification(const VerifyReport& report, NotificationToggles toggles,
                                                const std::string& distro) {
  NotificationRules rules(toggles, std::nullopt, distro);
  const TrayEvent event = verify_finished_event(report);
  const TrayState before;
  const auto after = TrayStateReducer::reduce(before, event);
  auto decision = rules.observe(before, after, event);
  if (decision.notifications.empty()) return std::nullopt;
  return std::move(decision.notifications.front());
}

VerifyProgress verify_progress_of(const VerifyStep& step) {
  std::string title = step.name;
  if (step.name == "agent")
    title = "waiting for the agent";
  else if (step.name == "stop")
    title = "shutting down";
  else if (step.name == "start")
    title = "starting";
  else if (step.name == "generation")
    title = "checking the booted generation";
  else if (step.name == "activation")
    title = "checking the activation";
  else if (step.name == "systemd")
    title = "waiting for systemd";
  else if (step.name == "units")
    title = "collecting failed units";
  else if (step.name == "mark-good")
    title = "marking known-good";
  else if (step.name == "rollback")
    title = "rolling back";
  if (step.phase == "recover" && step.name != "rollback") title = "after the rollback: " + title;
  return VerifyProgress{title, step.message};
}

BootVerifierCallbacks session_verify_callbacks(std::weak_ptr<TraySession> session,
                                               std::function<void(const VerifyReport&)> done) {
  BootVerifierCallbacks callbacks;
  callbacks.on_takeover = [session](const std::string& reason) {
    if (auto s = session.lock()) s->begin_verify(reason);
  };
  callbacks.on_step = [session](const VerifyStep& step) {
    if (auto s = session.lock()) s->report_verify(verify_progress_of(step));
  };
  callbacks.on_record = [session](const std::optional<VerifyRecord>& record) {
    if (auto s = session.lock()) s->record_verify(record);
  };
  callbacks.on_known_good = [session](int generation) {
    if (auto s = session.lock()) s->record_known_good(generation);
  };
  callbacks.on_finished = [session, done = std::move(done)](const VerifyReport& report) {
    if (auto s = session.lock()) s->end_verify(verify_finished_event(report));
    if (done) done(report);
  };
  return callbacks;
}

}  // namespace nixtray::tray
