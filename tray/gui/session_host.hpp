// The GUI's handle on core's TraySessions (the running tray), which live on the io thread: one
// per watched target (core/targets/target_fleet.hpp), one of them selected, the one the menu's
// actions and the windows are for. The GUI calls these methods on its own thread; each posts to
// the io thread. What the sessions report comes back through SessionObserver on the GUI thread,
// batched: the newest state once per wake-up, and notifications, flow steps and log chunks in
// order. Notifications come from every target; flow steps, logs, boot checks and errors from the
// selected one. When a target is controlled with wsl.exe, the WSL distros no target watches are
// looked for (core/targets/target_discovery.hpp) and offered in the menu; adding one writes it to
// the settings file and starts its session next to the others.
#pragma once

#include "inbox.hpp"
#include "io_thread.hpp"

#include "core/targets/copy_trial.hpp"
#include "core/targets/target_discovery.hpp"
#include "core/targets/target_fleet.hpp"
#include "core/tray_session.hpp"

#include <functional>
#include <memory>
#include <string>

namespace nixtray::gui {

// What the GUI draws from: copies, owned by the GUI thread.
struct SessionSnapshot {
  tray::TrayState state;   // the selected target's
  tray::MenuContext menu;  // with every watched target in menu.targets
  tray::TraySettings settings;
  // With several targets: the icon and tooltip for all of them.
  std::optional<tray::FleetView> fleet;
};

class SessionObserver {
 public:
  virtual ~SessionObserver() = default;
  virtual void session_changed(const SessionSnapshot& snapshot) = 0;
  virtual void notification_arrived(const tray::Notification& notification) = 0;
  virtual void rebuild_flow_changed(const tray::RebuildFlow& flow) = 0;
  virtual void job_log_arrived(const tray::JobLogReceived& log) = 0;
  virtual void action_failed(const tray::Sentence& message) = 0;
  // Verify boot as it runs (the Verify window): a new serial is a new check.
  virtual void verify_changed(const tray::VerifyProgressView& view) = 0;
};

class SessionHost {
 public:
  SessionHost(IoThread& io, SessionObserver& observer);
  ~SessionHost();
  SessionHost(const SessionHost&) = delete;
  SessionHost& operator=(const SessionHost&) = delete;

  // Creates and starts a session for `selected` and each of `others` (the other watched targets);
  // running ones are stopped first. The observer sees a fresh "connecting" state.
  void start(tray::SessionSetup selected, std::vector<tray::SessionSetup> others = {});
  // The selected target's session made again (its settings changed how it is reached).
  void restart_selected(tray::SessionSetup setup);
  // Makes the named target the one the menu and the windows are for.
  void select(const std::string& target);
  // Stops the session and waits until it has (before the io thread ends).
  void stop();

  void perform(const tray::MenuCommand& command);
  void answer_rebuild_review(bool activate);
  void set_start_at_login(bool enabled);
  // The Settings window's Save, on the io thread while the GUI waits for its answer: why the edit
  // cannot be used, and the next session's set-up when it changed the connection.
  tray::AppliedSettings apply_settings(const tray::TraySettings& settings);
  // Verify boot (TraySession::verify_boot). With a rebuild first: rebuild for the next boot (the
  // settings' flake), then the same check.
  void verify_boot(bool rebuild_first = false);
  void follow_job_log(const std::string& job_id);
  void unfollow_job_log(const std::string& job_id);

  // Calls whose answer goes to a window: wrap the reply with on_window() (ui_thread.hpp).
  void mark_good(int generation, tray::Reply<int> reply);
  // The agent's gc job keeping the newest `keep` generations (the Space window); the reply is its id.
  void collect_garbage(int keep, tray::Reply<std::string> reply);
  void diff_generations(int from, int to, tray::Reply<protocol::GenerationsDiff> reply);
  void unit_log(const std::string& unit, int lines, tray::Reply<protocol::UnitsLogResult> reply);
  void job_log(const std::string& job_id, std::int64_t from, int limit, tray::Reply<protocol::LogChunk> reply);

  // Onboarding, with wsl.exe only (GUI thread): the session's wsl.exe options, when its distro
  // control is WSL's; nothing otherwise (then the status window offers no Install or Rebuild).
  [[nodiscard]] const std::optional<tray::WslDistroControlOptions>& wsl_options() const { return wsl_options_; }
  // Install NixOS (TraySession::install_nixos). Both callbacks may be called on any thread: wrap
  // them with on_window().
  void install_nixos(tray::NixosImportRequest request, std::function<void(tray::InstallStep)> on_step,
                     std::function<void(tray::NixosInstallReport)> done);
  // Add the agent: nixos-rebuild switch inside the distro (TraySession::add_agent).
  void rebuild_to_add_agent(std::function<void(tray::ControlResult)> done);
  // The selected target's rebuild and boot check on a throw-away copy (core/targets/copy_trial.hpp).
  // The callbacks may be called on any thread: wrap them with on_window(). One at a time: the
  // menu item is disabled while one runs.
  void try_on_copy(std::function<void(tray::TrialStep)> on_step, std::function<void(tray::VerifyStep)> on_check_step,
                   std::function<void(tray::CopyTrialReport)> done);
  // Look at the distro and the agent again now, instead of at the next retry.
  void reconnect();

  // Benchmarks (--demo-log-lines): a log chunk handed over as if the agent had sent it. Any thread.
  void deliver_job_log(tray::JobLogReceived log);

 private:
  struct Shared;  // what the io thread's callbacks reach, kept alive by them

  void with_session(std::function<void(tray::TraySession&)> fn);
  // io thread: the selected target's session (null before start and after stop).
  [[nodiscard]] std::shared_ptr<tray::TraySession> selected_session() const;
  void publish();  // io thread: a new snapshot for the GUI
  // io thread: the WSL distros no target watches, looked for again (then published).
  void discover();
  void add_found_distro(const std::string& distro);  // io thread
  template <class T>
  void reply_not_connected(const tray::Reply<T>& reply);

  IoThread& io_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<tray::TargetFleet> fleet_;                  // io thread only
  std::string selected_;                                      // io thread only
  std::filesystem::path settings_path_;                       // io thread only
  tray::SessionUse use_;                                      // io thread only: for added targets
  std::optional<tray::WslDistroControlOptions> discovery_;    // io thread only: the wsl.exe to look with
  std::vector<tray::FoundDistro> found_;                      // io thread only
  bool trying_on_copy_ = false;                               // io thread only
  std::optional<tray::WslDistroControlOptions> wsl_options_;  // GUI thread only
};

}  // namespace nixtray::gui
