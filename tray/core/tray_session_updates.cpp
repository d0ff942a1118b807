// The daily check for updates (core/state/update_check.hpp) as the running tray carries it out:
// started once a day when the agent answers and nothing else runs, remembered per distro in the
// settings before it starts (a tray restarted meanwhile does not check again; a check that could
// not start waits for the next day too, said on the status line). What it finds is told by
// NotificationRules from the job's own events.
#include "core/state/action_error_text.hpp"
#include "core/state/update_check.hpp"
#include "core/tray_session.hpp"

#include <ctime>

namespace nixtray::tray {

namespace asio = net::asio;

void TraySession::start_update_checks() {
  checks_updates_ = true;
  consider_update_check();
}

void TraySession::consider_update_check() {
  if (!checks_updates_ || stopped_ || update_check_starting_ || !settings_.notifications.updates_available) return;
  // Not now: looked at again with the next event (the job's end, the verification's end).
  if (!state_.synced || state_.verifying || flow_.active() || running_job(state_)) return;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  const auto* remembered = record();
  const auto due_in = update_check_due_in(remembered ? remembered->last_update_check : std::nullopt, now);
  if (due_in > std::chrono::seconds(0)) {
    if (update_timer_pending_) return;
    if (!update_timer_) update_timer_ = std::make_unique<asio::steady_timer>(executor_);
    update_timer_pending_ = true;
    update_timer_->expires_after(due_in);
    std::weak_ptr<TraySession> weak = shared_from_this();
    update_timer_->async_wait([weak](const net::error_code& ec) {
      auto self = weak.lock();
      if (!self || ec) return;
      self->update_timer_pending_ = false;
      self->consider_update_check();
    });
    return;
  }
  change_record([&](DistroRecord& r) { r.last_update_check = now; });
  update_check_starting_ = true;
  auto self = shared_from_this();
  actions_.start_rebuild(update_check_request(settings_.flake), [self](ActionResult<std::string> started) {
    self->update_check_starting_ = false;
    if (!started) {
      self->report_error(sentence("The check for updates could not start: %s", {std::string()})
                             .nest(0, action_error_sentence(started.error())));
    }
  });
}

}  // namespace nixtray::tray
