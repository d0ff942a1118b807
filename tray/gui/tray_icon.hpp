// The icon in the system tray: picture and tooltip from core's presentation of the state, and a
// menu built from core's MenuModel each time it opens (CreatePopupMenu: not every platform says
// when a menu is about to open, so nothing is kept up to date in between). A chosen item is
// handed back as core's MenuItem; the app asks confirmations and forwards it. Left click opens
// the status window.
#pragma once

#include "session_host.hpp"

#include "core/state/menu_model.hpp"

#include <wx/taskbar.h>

#include <functional>
#include <map>

namespace nixtray::gui {

class TrayIconArt;
class UiLog;

class TrayIcon : public wxTaskBarIcon {
 public:
  struct Handlers {
    std::function<void(const tray::MenuItem&)> chosen;
    std::function<void()> left_click;
  };

  TrayIcon(const TrayIconArt& art, UiLog& log, Handlers handlers);

  // Shows the state: picture (with the progress ring while rebuilding) and tooltip.
  void show(const SessionSnapshot& snapshot);

 protected:
  wxMenu* CreatePopupMenu() override;

 private:
  void add_items(wxMenu& menu, const std::vector<tray::MenuItem>& items);

  const TrayIconArt& art_;
  UiLog& log_;
  Handlers handlers_;
  std::optional<SessionSnapshot> snapshot_;
  tray::MenuModel menu_;  // the model of the menu that is open, for mapping ids back
  std::map<int, std::string> item_ids_;
  int next_id_ = 0;
  std::string shown_key_;  // what is on screen now, to skip redundant updates
};

}  // namespace nixtray::gui
