// Which changes deserve a notification, decided apart from how the GUI shows them: a job failed
// (title + the job's summary, action "Show log"), verify-boot failed or rolled back, a unit
// failed, the distro stopped without the user asking, the generation that boots next has not been
// boot-checked (once per generation and store path, remembered in the settings across restarts,
// action "Verify now"), the Nix store's disk has less free space than the settings' threshold
// (once per fall below it, action "Show disk space": core/state/space_notice.hpp); and success,
// told too: a switch, boot, test, rollback or garbage collection that finished well, a boot
// verification that passed; the flake's inputs moved (a check for updates found some: action
// "Update…", core/state/update_check.hpp). Each kind can be switched off; each event is notified once; a
// failure that happened while the tray was not connected is notified once on reconnect (the last
// job seen is remembered in the settings), a success only as it happens.
//
// Pure apart from its own memory: observe() sees each event with the state before and after it.
#pragma once

#include "core/settings/tray_settings.hpp"
#include "core/state/sentence.hpp"
#include "core/state/tray_event.hpp"
#include "core/state/tray_state.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nixtray::tray {

enum class NotificationKind {
  job_failed,
  verify_failed,
  unit_failed,
  distro_stopped,
  unverified_generation,
  low_space,
  job_succeeded,
  verify_passed,
  updates_available
};
std::string_view to_string(NotificationKind kind);

struct NotificationAction {
  enum class Kind { show_job_log, show_unit, show_status_window, verify_boot, show_space, update };
  Kind kind = Kind::show_status_window;
  std::string label;  // "Show log": fixed English, in po/core_messages.cc
  std::string job_id;
  std::string unit;
};

struct Notification {
  NotificationKind kind = NotificationKind::job_failed;
  std::string key;  // what makes it unique, for deduplication
  // Sentences (core/state/sentence.hpp): the GUI translates them, nixtrayctl and logs use english().
  Sentence title;
  Sentence body;
  std::optional<NotificationAction> action;
  // Whose it is when the tray watches several targets (core/targets/target_fleet.hpp); empty
  // with one. The front end puts it before the title.
  std::string target;
};

struct NotificationDecision {
  std::vector<Notification> notifications;
  // When set, store it as the distro's last_job_seen in the settings.
  std::optional<std::string> last_job_seen;
  // When set, store it as the distro's unverified_notified (verification_key) in the settings.
  std::optional<std::string> unverified_notified;
};

class NotificationRules {
 public:
  NotificationRules(NotificationToggles toggles, std::optional<std::string> last_job_seen, std::string distro_name,
                    std::optional<std::string> unverified_notified = std::nullopt);

  void set_toggles(NotificationToggles toggles) { toggles_ = toggles; }
  [[nodiscard]] const std::optional<std::string>& last_job_seen() const { return last_job_seen_; }

  NotificationDecision observe(const TrayState& before, const TrayState& after, const TrayEvent& event);

 private:
  void consider_job(const protocol::Job& job, bool while_away, bool verifying, NotificationDecision& decision);
  void consider_jobs_snapshot(const std::vector<protocol::Job>& jobs, NotificationDecision& decision);
  void consider_units(const TrayState& before, const TrayState& after, NotificationDecision& decision);
  void consider_stop(const TrayState& before, const TrayState& after, NotificationDecision& decision);
  void consider_verify(const VerifyFinished& finished, NotificationDecision& decision);
  void consider_verification(const TrayState& after, NotificationDecision& decision);
  void consider_space(const TrayState& after, NotificationDecision& decision);
  void advance_last_seen(const std::string& job_id, NotificationDecision& decision);
  void add(Notification notification, bool enabled, NotificationDecision& decision);

  NotificationToggles toggles_;
  std::optional<std::string> last_job_seen_;
  std::string distro_name_;
  std::optional<std::string> unverified_notified_;  // the last unverified generation notified
  std::set<std::string> shown_;                     // keys notified (or suppressed by a toggle)
  std::set<std::string> failed_units_known_;        // failed units already reported
  bool units_baseline_ = false;                     // the first status after connecting is a baseline
  bool stop_reported_ = false;
  int stops_ = 0;
  bool low_space_ = false;  // below the threshold, notified: not again until it recovers
  int low_space_crossings_ = 0;
};

}  // namespace nixtray::tray
