// Shows core's notifications with wxNotificationMessage: libnotify on Linux desktops (the
// freedesktop notification server on the session bus), toasts or balloons on Windows. Where the
// platform supports actions, the notification offers core's action ("Show log"); a click on
// the notification itself does the same.
#pragma once

#include "core/state/notification_rules.hpp"

#include <wx/event.h>

#include <functional>
#include <map>
#include <memory>

class wxNotificationMessage;

namespace nixtray::gui {

class TrayIconArt;
class UiLog;

class NotificationPresenter : public wxEvtHandler {
 public:
  // The action and whose it is (the notification's target; empty with one target).
  using ActionHandler = std::function<void(const tray::NotificationAction&, const std::string& target)>;

  NotificationPresenter(const TrayIconArt& art, UiLog& log, ActionHandler on_action);
  ~NotificationPresenter() override;

  void show(const tray::Notification& notification);

 private:
  struct Shown;
  void finished(int serial);

  const TrayIconArt& art_;
  UiLog& log_;
  ActionHandler on_action_;
  std::map<int, std::unique_ptr<Shown>> shown_;  // alive until dismissed or acted on
  int next_serial_ = 1;
};

}  // namespace nixtray::gui
