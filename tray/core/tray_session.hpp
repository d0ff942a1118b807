// The running tray without its GUI: owns the agent link, the distro control, the settings, the
// notification rules and the rebuild flow; folds every event into the TrayState; persists what
// the host must remember (last job seen, the known-good generation); and runs the actions the
// menu's commands name. The GUI renders what it reports and forwards the user's clicks.
//
// Threading: create, call and destroy it on the io_context's thread; callbacks run there (the
// GUI marshals them with CallAfter and keeps its own copy of the state to build menus from).
#pragma once

#include "core/agent_link.hpp"
#include "core/distro/distro_control.hpp"
#include "core/link/agent_actions.hpp"
#include "core/settings/settings_file.hpp"
#include "core/state/menu_model.hpp"
#include "core/state/notification_rules.hpp"
#include "core/state/rebuild_flow.hpp"
#include "core/state/tray_state.hpp"

#include <functional>
#include <memory>
#include <string>

namespace nixtray::tray {

struct TraySessionCallbacks {
  std::function<void(const TrayState&)> on_state;  // after every event
  std::function<void(const Notification&)> on_notification;
  std::function<void(const RebuildFlow&)> on_rebuild_flow;  // each step; ask when step() == reviewing
  std::function<void(const JobLogReceived&)> on_job_log;    // followed logs (follow_job_log)
  std::function<void(const std::string&)> on_error;         // an action failed: for the status line
};

class TraySession : public std::enable_shared_from_this<TraySession> {
 public:
  static std::shared_ptr<TraySession> create(net::asio::any_io_executor executor, SettingsFile settings_file,
                                             TraySettings settings, AgentLinkOptions link_options,
                                             std::shared_ptr<DistroControl> control, TraySessionCallbacks callbacks);
  ~TraySession();
  TraySession(const TraySession&) = delete;
  TraySession& operator=(const TraySession&) = delete;

  void start();
  void stop();

  [[nodiscard]] const TrayState& state() const { return state_; }
  [[nodiscard]] const TraySettings& settings() const { return settings_; }
  [[nodiscard]] MenuContext menu_context() const;
  [[nodiscard]] const RebuildFlow& rebuild_flow() const { return flow_; }
  [[nodiscard]] AgentLink& link() { return *link_; }
  [[nodiscard]] AgentActions& actions() { return actions_; }
  [[nodiscard]] DistroControl& control() { return *control_; }

  // A menu command, after the GUI asked its confirmation. GUI-only commands (status window,
  // settings, quit, show unit, show log) are not handled here and are ignored.
  void perform(const MenuCommand& command);

  void start_distro();
  void stop_distro(bool every_distro);  // every_distro: the whole WSL VM
  void rebuild(protocol::RebuildMode mode);
  void answer_rebuild_review(bool activate);
  void rollback(int generation, protocol::RebuildMode mode);
  void rescue_rollback(int generation);
  void cancel_job(const std::string& job_id);
  void dismiss_failure();
  void reconnect();
  void open_terminal();
  void follow_job_log(const std::string& job_id) { link_->follow_job_log(job_id); }
  void unfollow_job_log(const std::string& job_id) { link_->unfollow_job_log(job_id); }

  // Settings the GUI changes; saved at once.
  void set_start_at_login(bool enabled);
  void set_notification_toggles(NotificationToggles toggles);
  // The whole user-editable part of the settings (the Settings window): what the host remembers
  // per distro (known-good, last job seen, a verify in progress) and unknown members are kept
  // from the session's own copy, so an edit never loses them. Notification toggles apply at
  // once; connection settings (distro, agent, token file, distro control) apply to the next
  // session, which the GUI creates. Saved at once; a failed save is reported through on_error.
  void update_settings(const TraySettings& edited);

  // Verify-boot (tray/core's BootVerifier, another issue) takes the distro over with these, and
  // records on the host that a check is under way (a tray that dies half-way finds it at start).
  [[nodiscard]] std::optional<VerifyRecord> interrupted_verify() const;
  void record_verify(std::optional<VerifyRecord> record);
  void begin_verify(std::string reason);
  void report_verify(VerifyProgress progress);
  void end_verify(VerifyFinished finished);

 private:
  TraySession(net::asio::any_io_executor executor, SettingsFile settings_file, TraySettings settings,
              std::shared_ptr<DistroControl> control, TraySessionCallbacks callbacks);

  void apply(TrayEvent event);
  void remember(const TrayState& before);
  void save_settings();
  void run_flow_command(RebuildFlow::Command command);
  void report_error(const std::string& message);
  void report_flow();

  net::asio::any_io_executor executor_;
  SettingsFile settings_file_;
  TraySettings settings_;
  std::shared_ptr<DistroControl> control_;
  TraySessionCallbacks callbacks_;
  std::shared_ptr<AgentLink> link_;
  AgentActions actions_;
  NotificationRules rules_;
  RebuildFlow flow_;
  TrayState state_;
  bool stopped_ = false;
};

}  // namespace nixtray::tray
