#include "notification_presenter.hpp"

#include "tray_icon_art.hpp"
#include "ui_log.hpp"
#include "wx_text.hpp"

#include <wx/icon.h>
#include <wx/notifmsg.h>

namespace nixtray::gui {

namespace {
constexpr std::size_t max_kept = 20;  // the oldest ones are let go (the server keeps showing them)

tray::IconId icon_for(tray::NotificationKind kind) {
  switch (kind) {
    case tray::NotificationKind::job_failed:
    case tray::NotificationKind::verify_failed:
      return tray::IconId::failed;
    case tray::NotificationKind::unit_failed:
    case tray::NotificationKind::unverified_generation:
    case tray::NotificationKind::low_space:
      return tray::IconId::degraded;
    case tray::NotificationKind::distro_stopped:
      return tray::IconId::stopped;
    case tray::NotificationKind::job_succeeded:
    case tray::NotificationKind::verify_passed:
    case tray::NotificationKind::updates_available:
      return tray::IconId::running;
  }
  return tray::IconId::failed;
}
}  // namespace

struct NotificationPresenter::Shown {
  std::unique_ptr<wxNotificationMessage> message;
  std::optional<tray::NotificationAction> action;
  std::string target;
};

NotificationPresenter::NotificationPresenter(const TrayIconArt& art, UiLog& log, ActionHandler on_action)
    : art_(art), log_(log), on_action_(std::move(on_action)) {}

NotificationPresenter::~NotificationPresenter() = default;

void NotificationPresenter::show(const tray::Notification& notification) {
  const int serial = next_serial_++;
  const auto kind = notification.kind;
  const int flags = kind == tray::NotificationKind::job_succeeded || kind == tray::NotificationKind::verify_passed ||
                            kind == tray::NotificationKind::updates_available
                        ? wxICON_INFORMATION
                    : kind == tray::NotificationKind::distro_stopped ||
                            kind == tray::NotificationKind::unverified_generation ||
                            kind == tray::NotificationKind::low_space
                        ? wxICON_WARNING
                        : wxICON_ERROR;
  auto shown = std::make_unique<Shown>();
  // With several targets, whose it is comes first: "test: Rebuild failed".
  auto title = sentence_text(notification.title);
  if (!notification.target.empty()) title = to_wx(notification.target) + ": " + title;
  shown->message = std::make_unique<wxNotificationMessage>(title, sentence_text(notification.body), nullptr, flags);
  shown->action = notification.action;
  shown->target = notification.target;
  auto& message = *shown->message;
  wxIcon icon;
  icon.CopyFromBitmap(art_.bitmap(icon_for(notification.kind), 48));
  message.SetIcon(icon);
  bool action_offered = false;
  if (notification.action) {
    action_offered = message.AddAction(wxID_HIGHEST + serial, core_text(notification.action->label));
  }
  const auto act = [this, serial](wxCommandEvent&) {
    const auto it = shown_.find(serial);
    if (it != shown_.end() && it->second->action) {
      const auto action = *it->second->action;
      const auto target = it->second->target;
      log_.write("notification-action", {{"label", from_wx(core_text(action.label))},
                                         {"job", action.job_id},
                                         {"unit", action.unit},
                                         {"target", target}});
      on_action_(action, target);
    }
    CallAfter([this, serial] { finished(serial); });
  };
  message.Bind(wxEVT_NOTIFICATION_MESSAGE_ACTION, act);
  message.Bind(wxEVT_NOTIFICATION_MESSAGE_CLICK, act);
  message.Bind(wxEVT_NOTIFICATION_MESSAGE_DISMISSED,
               [this, serial](wxCommandEvent&) { CallAfter([this, serial] { finished(serial); }); });
  const bool ok = message.Show(wxNotificationMessage::Timeout_Auto);
  log_.write("notification", {{"kind", std::string(tray::to_string(notification.kind))},
                              {"title", from_wx(title)},
                              {"target", notification.target},
                              {"body", from_wx(sentence_text(notification.body))},
                              {"action", notification.action && action_offered
                                             ? protocol::json(from_wx(core_text(notification.action->label)))
                                             : protocol::json(nullptr)},
                              {"shown", ok}});
  shown_.emplace(serial, std::move(shown));
  while (shown_.size() > max_kept) {
    shown_.erase(shown_.begin());
  }
}

void NotificationPresenter::finished(int serial) { shown_.erase(serial); }

}  // namespace nixtray::gui
