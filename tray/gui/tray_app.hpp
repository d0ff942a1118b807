// The wx application: wires core's session (on the io thread) to the tray icon, the status
// window and the notifications, and carries the person's choices back. It decides only what wx
// must decide: confirmations, which window to show, when to quit.
#pragma once

#include "gui_options.hpp"
#include "session_host.hpp"
#include "status_context.hpp"

#include "core/settings/start_at_login.hpp"

#include <wx/app.h>
#include <wx/timer.h>
#include <wx/weakref.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace nixtray::gui {

class CopyTrialWindow;
class DemoLogFeed;
class NotificationPresenter;
class SingleInstance;
class SpaceWindow;
class StatusWindow;
class TrayHostMonitor;
class TrayIcon;
class TrayIconArt;
class UiLog;
class VerifyWindow;

class TrayApp : public wxApp, public SessionObserver {
 public:
  TrayApp();
  ~TrayApp() override;

  bool OnInit() override;
  int OnRun() override;
  int OnExit() override;
  bool OnExceptionInMainLoop() override;

  // SessionObserver (GUI thread)
  void session_changed(const SessionSnapshot& snapshot) override;
  void notification_arrived(const tray::Notification& notification) override;
  void rebuild_flow_changed(const tray::RebuildFlow& flow) override;
  void job_log_arrived(const tray::JobLogReceived& log) override;
  void action_failed(const tray::Sentence& message) override;
  void verify_changed(const tray::VerifyProgressView& view) override;

 private:
  bool start(const std::vector<std::string>& args);
  void menu_chosen(const tray::MenuItem& item);
  void request(const tray::MenuCommand& command, const std::optional<tray::Confirmation>& confirmation);
  bool confirm(const tray::Confirmation& confirmation);
  // A rollback: the closure diff and both dates first (rollback_dialog), then the command.
  void preview_rollback(const tray::MenuCommand& command);
  void ask_rebuild_review(const tray::RebuildFlow& flow);
  void ask_update_review(const tray::RebuildFlow& flow);  // Update…'s preview: Switch and verify, or Discard
  StatusWindow& show_window(StatusTab tab, const std::string& reason);
  void show_space(const std::string& reason);
  void try_on_copy();
  std::string save_settings(const tray::TraySettings& settings);
  void set_start_at_login(bool enabled);
  void check_tray_host();
  void log_state(const SessionSnapshot& snapshot);
  void start_demo_log(long long lines);
  void quit(const std::string& reason);

  std::optional<int> early_exit_;
  GuiOptions options_;
  std::unique_ptr<UiLog> log_;
  std::unique_ptr<TrayIconArt> art_;
  std::unique_ptr<IoThread> io_;
  std::unique_ptr<SessionHost> host_;
  std::unique_ptr<StatusContext> context_;
  std::unique_ptr<NotificationPresenter> notifier_;
  std::unique_ptr<tray::StartAtLogin> start_at_login_;
  std::unique_ptr<SingleInstance> instance_;
  TrayIcon* tray_ = nullptr;
  wxWeakRef<StatusWindow> window_;
  wxWeakRef<VerifyWindow> verify_window_;
  int verify_serial_ = 0;  // the last check the Verify window was opened for
  wxWeakRef<SpaceWindow> space_window_;
  wxWeakRef<CopyTrialWindow> copy_trial_window_;
  std::optional<SessionSnapshot> snapshot_;
  // Another target's menu action, waiting until that target is the one shown (menu_chosen).
  std::optional<tray::MenuItem> pending_choice_;
  std::string logged_state_;
  bool start_at_login_synced_ = false;
  bool interrupted_verify_checked_ = false;
  bool tray_available_ = false;
  bool quitting_ = false;
  std::string reviewed_job_;
  wxTimer quit_timer_;
  std::unique_ptr<TrayHostMonitor> tray_host_;
  std::unique_ptr<DemoLogFeed> demo_;
};

}  // namespace nixtray::gui
