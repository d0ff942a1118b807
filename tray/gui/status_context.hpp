// What the status window's pages share: the session (calls whose answers come back to the page),
// the pictures, the UI log, and the app's handling of commands (confirmations, settings).
#pragma once

#include "gui_options.hpp"
#include "session_host.hpp"

#include "core/state/menu_model.hpp"

#include <functional>
#include <optional>
#include <string>

namespace nixtray::gui {

class TrayIconArt;
class UiLog;

struct StatusContext {
  SessionHost& host;
  const TrayIconArt& art;
  UiLog& log;
  // A command with its confirmation (asked by the app, as for the tray menu).
  std::function<void(const tray::MenuCommand&, const std::optional<tray::Confirmation>&)> request;
  // The Settings page's Save: the settings as edited. Returns why they cannot be used (empty: saved).
  std::function<std::string(const tray::TraySettings&)> save_settings;
  std::vector<std::string> overrides;  // command-line options that override the settings
  std::string settings_file;
  std::string start_at_login_place;  // where start-at-login is recorded
};

}  // namespace nixtray::gui
