// The running tray, without its GUI: the composition root. Made from one SessionSetup, it owns the
// agent link, the distro control, the settings (and what the host remembers per distro), the
// notification rules, the rebuild flow, the boot verifier and the onboarding steps; folds every
// event into the TrayState; and runs what a front end asks. nixtray (tray/gui) renders what it
// reports and forwards the person's clicks; nixtrayctl (tray/ctl) runs one command on it.
//
// Threading: create, call and destroy it on the io_context's thread; callbacks run there (the
// GUI marshals them with CallAfter and keeps its own copy of the state to build menus from).
#pragma once

#include "core/distro/distro_control.hpp"
#include "core/distro/wsl_distro_control.hpp"
#include "core/link/agent_actions.hpp"
#include "core/link/agent_connection.hpp"
#include "core/link/agent_link.hpp"
#include "core/onboarding/nixos_installer.hpp"
#include "core/session_outcome.hpp"
#include "core/session_setup.hpp"
#include "core/settings/settings_file.hpp"
#include "core/state/menu_model.hpp"
#include "core/state/notification_rules.hpp"
#include "core/state/rebuild_flow.hpp"
#include "core/state/tray_state.hpp"
#include "core/verify/boot_verifier.hpp"
#include "core/verify/verify_progress_view.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace nixtray::tray {

struct TraySessionCallbacks {
  std::function<void(const TrayState&)> on_state;  // after every event
  std::function<void(const Notification&)> on_notification;
  std::function<void(const RebuildFlow&)> on_rebuild_flow;  // each step; ask when step() == reviewing
  std::function<void(const JobLogReceived&)> on_job_log;    // followed logs (follow_job_log)
  std::function<void(const Sentence&)> on_error;            // an action failed: for the status line
  // Verify boot as the tray runs it (verify_boot): the Verify window's view, at its start, at each
  // step and at the end. A new serial is a new check.
  std::function<void(const VerifyProgressView&)> on_verify;
};

// A boot check as a one-shot front end asks for it (nixtrayctl verify-boot and rebuild).
struct BootCheckRequest {
  std::optional<RebuildRequest> rebuild_first;            // "rebuild and verify"
  std::optional<std::chrono::milliseconds> boot_timeout;  // instead of the settings'
  bool no_rollback = false;                               // leave a failed generation as it is
  std::function<void(const VerifyStep&)> on_step;         // progress, as each step starts and ends
};

// The Settings window's Save: why the edit cannot be used (empty: saved), and the set-up of the
// session that replaces this one when the edit changed how the agent is reached.
struct AppliedSettings {
  std::string problem;
  std::optional<SessionSetup> next;
};

class TraySession : public std::enable_shared_from_this<TraySession> {
 public:
  static std::shared_ptr<TraySession> create(net::asio::any_io_executor executor, SessionSetup setup,
                                             TraySessionCallbacks callbacks);
  // The parts given one by one (tests): the distro is the settings'.
  static std::shared_ptr<TraySession> create(net::asio::any_io_executor executor, SettingsFile settings_file,
                                             TraySettings settings, AgentLinkOptions link_options,
                                             std::shared_ptr<DistroControl> control, TraySessionCallbacks callbacks);
  ~TraySession();
  TraySession(const TraySession&) = delete;
  TraySession& operator=(const TraySession&) = delete;

  void start();
  void stop();
  // The daily check for updates (tray_session_updates.cpp), when the settings ask for it
  // (notifications.updates_available): the tray's sessions check; nixtrayctl's one-shot ones never.
  void start_update_checks();

  [[nodiscard]] const TrayState& state() const { return state_; }
  [[nodiscard]] const TraySettings& settings() const { return settings_; }
  [[nodiscard]] const std::string& distro() const { return distro_; }
  // What the host remembers about this session's distro; null when nothing yet.
  [[nodiscard]] const DistroRecord* record() const;
  [[nodiscard]] MenuContext menu_context() const;
  [[nodiscard]] const RebuildFlow& rebuild_flow() const { return flow_; }
  [[nodiscard]] AgentLink& link() { return *link_; }
  [[nodiscard]] AgentActions& actions() { return actions_; }
  [[nodiscard]] DistroControl& control() { return *control_; }
  // The wsl.exe options when the distro is controlled with wsl.exe (installing and adding the
  // agent need it); nothing otherwise.
  [[nodiscard]] std::optional<WslDistroControlOptions> wsl_options() const;
  // One connection of its own to the agent (for a command, or verify-boot): the link's transport.
  [[nodiscard]] AgentConnectionOptions connection_options() const;
  // Where the system profile is inside the distro (the rescue from outside uses it).
  [[nodiscard]] const std::string& profile_dir() const { return profile_dir_; }

  // A menu command, after the GUI asked its confirmation. GUI-only commands (status window,
  // settings, quit, show unit, show log) are not handled here and are ignored.
  void perform(const MenuCommand& command);

  void start_distro();
  void stop_distro(bool every_distro);  // every_distro: the whole WSL VM
  // verify: followed by verify boot when the settings say so (the menu's plain switch: false).
  void rebuild(protocol::RebuildMode mode, bool verify = true);
  // Update the flake's inputs in a copy and build (the settings' flake, else the agent's): the
  // flow reviews it (on_rebuild_flow, RebuildFlow::updating()); answer_rebuild_review(true)
  // switches to it and verifies the boot, false discards it (nothing was written).
  void update_flake();
  // The review's answer, for a rebuild and for an update.
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
  // session. Saved at once; a failed save is reported through on_error.
  void update_settings(const TraySettings& edited);
  // The same after checking the edit; with a changed connection (and none chosen by the command
  // line), also the next session's set-up, made as this one's was.
  AppliedSettings apply_settings(const TraySettings& edited);

  // Verify boot, as the tray runs it: the link paused, the steps in the state, failures notified,
  // the check recorded on the host while it runs. Refused (on_error) while one runs. With a
  // rebuild first: rebuild for the next boot (the settings' flake), then the same check.
  void verify_boot(bool rebuild_first);
  // The same, awaited, for a one-shot front end: the report comes back (and on_finished).
  net::asio::awaitable<VerifyReport> check_boot(BootCheckRequest request);

  // Onboarding, where the distro is controlled with wsl.exe (else a failed report or result).
  net::asio::awaitable<NixosInstallReport> install_nixos(NixosImportRequest request, InstallStepObserver observer);
  // "Add the agent": nixos-rebuild switch inside the distro, the settings' flake.
  net::asio::awaitable<ControlResult> add_agent();

  // The distro's lifecycle and a rollback, awaited by a one-shot front end (tray_session_lifecycle.cpp):
  // start ends when the agent answers (or the deadline passes: unreachable), stop when the
  // distro is seen stopped, a rollback when its job ended; without an agent, the rollback
  // repoints the profile from outside (the rescue tool through the distro control).
  net::asio::awaitable<SessionOutcome> start_and_wait(std::chrono::milliseconds deadline);
  net::asio::awaitable<SessionOutcome> stop_and_wait(bool every_distro, std::chrono::milliseconds deadline);
  net::asio::awaitable<SessionOutcome> roll_back_and_wait(int generation, protocol::RebuildMode mode);

  // One look at the agent for a one-shot front end (nixtrayctl status): a link of its own that
  // does not reconnect, folded with the reducer until synced or failed. Changes nothing here.
  net::asio::awaitable<TrayState> probe(std::chrono::milliseconds deadline);

  // The verifier's hooks into the session (verify/session_verify.hpp): it takes the distro over
  // with these, and records on the host that a check is under way (a tray that dies half-way
  // finds it at start).
  [[nodiscard]] std::optional<VerifyRecord> interrupted_verify() const;
  void record_verify(std::optional<VerifyRecord> in_progress);
  void record_known_good(int generation);
  void begin_verify(std::string reason);
  void report_verify(VerifyProgress progress);
  void end_verify(VerifyFinished finished);

 private:
  TraySession(net::asio::any_io_executor executor, SessionSetup setup, TraySessionCallbacks callbacks);

  void apply(TrayEvent event);
  void remember(const TrayState& before);
  void change_record(const std::function<void(DistroRecord&)>& change);
  void save_settings();
  void run_flow_command(RebuildFlow::Command command);
  void report_error(const Sentence& message);
  void report_flow();
  std::shared_ptr<BootVerifier> make_verifier(const BootCheckRequest& request,
                                              std::function<void(const VerifyReport&)> done = {});
  void report_verify_view();
  void consider_update_check();
  // Why the distro control cannot do `what` (no start/stop commands); nothing when it can.
  [[nodiscard]] std::optional<SessionOutcome> lifecycle_refusal(const std::string& what) const;

  net::asio::any_io_executor executor_;
  SettingsFile settings_file_;
  TraySettings settings_;  // as saved: never the command line's overrides
  std::string distro_;
  std::string profile_dir_;
  SessionFlags flags_;  // what the set-up was made from, for the next one (apply_settings)
  SessionUse use_;
  std::shared_ptr<DistroControl> control_;
  TraySessionCallbacks callbacks_;
  std::shared_ptr<AgentLink> link_;
  AgentActions actions_;
  NotificationRules rules_;
  RebuildFlow flow_;
  TrayState state_;
  std::shared_ptr<BootVerifier> verifier_;         // the last check started
  std::optional<VerifyProgressView> verify_view_;  // of the last check verify_boot started
  int verify_serial_ = 0;
  std::string verified_rebuild_job_;  // "Verify boot after each rebuild" ran for it
  bool skip_verify_of_flow_ = false;  // the rebuild under way is the menu's plain switch
  bool stopped_ = false;
  bool checks_updates_ = false;
  bool update_check_starting_ = false;
  bool update_timer_pending_ = false;
  std::unique_ptr<net::asio::steady_timer> update_timer_;  // the next day's check
};

}  // namespace nixtray::tray
