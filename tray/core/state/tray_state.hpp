// The one state the tray shows, and how it is presented: condition, icon, tooltip. Built only by
// TrayStateReducer; read by the menu model, the notification rules, the GUI and nixtrayctl.
#pragma once

#include "core/state/sentence.hpp"
#include "core/state/tray_event.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

enum class TrayCondition {
  connecting,  // no answer yet, no failure yet
  stopped,     // the distro is not running
  stopping,    // the user asked it to shut down
  starting,    // the distro or systemd is coming up
  running,
  degraded,        // systemd runs with failed units (or cannot be asked)
  rebuilding,      // a rebuild, rollback or gc job runs (with progress)
  rebuild_failed,  // the newest job failed: summary + job id
  verifying,       // verify-boot owns the distro right now
  verify_failed,
  unreachable,  // with a reason
};
std::string_view to_string(TrayCondition condition);

// Icons are drawn per family, not per condition: fewer images, the same meaning.
enum class IconId { stopped, transition, running, degraded, busy, verifying, failed, unreachable };
std::string_view to_string(IconId icon);  // "running": resources/icons/<name>.svg

enum class LinkPhase { idle, connecting, connected, down };

struct TrayState {
  // The agent connection.
  LinkPhase link = LinkPhase::idle;
  std::optional<protocol::HelloResult> hello;
  std::string endpoint;
  bool synced = false;  // the snapshots after connecting have arrived
  std::optional<LinkUnreachable> last_failure;
  bool ever_connected = false;
  std::optional<std::string> paused;  // why the link waits (verify-boot)

  // The distro.
  DistroPower power = DistroPower::unknown;
  std::string power_detail;
  bool user_stopped = false;   // expected down: shut down by the user, no alarm
  bool user_starting = false;  // the user pressed Start and the agent has not answered yet
  std::optional<DistroActionFailed> distro_action_failure;

  // What the agent reported last; kept while disconnected so the menu can still show it.
  std::optional<protocol::Status> status;
  std::vector<protocol::Generation> generations;  // newest first
  std::vector<protocol::Job> jobs;                // newest first, at most max_jobs
  static constexpr std::size_t max_jobs = 50;
  std::optional<protocol::SpaceReport> space;  // agents that report space (hello lists `space`)

  // Verify-boot.
  std::optional<VerifyProgress> verifying;
  std::optional<VerifyFinished> last_verify;
  bool verify_failure_dismissed = false;
  std::optional<std::string> dismissed_job;  // a failed job the user has seen

  // Derived by the reducer after every event.
  TrayCondition condition = TrayCondition::connecting;
};

// A job as the tray shows it while it runs.
struct JobProgressView {
  std::string job_id;
  protocol::JobKind kind = protocol::JobKind::unknown;
  protocol::JobPhase phase = protocol::JobPhase::unknown;
  std::optional<int> percent;  // nullopt when the job cannot tell
  std::string text;            // "building 12/40"
  Sentence text_sentence;      // the same, for a catalogue
  bool update_check = false;   // the check for updates (a dry-build rebuild): said as a check
};

struct JobFailureView {
  std::string job_id;
  protocol::JobKind kind = protocol::JobKind::unknown;
  std::string summary;
};

[[nodiscard]] bool is_connected(const TrayState& state);
[[nodiscard]] std::optional<JobProgressView> running_job(const TrayState& state);
// The newest finished rebuild/rollback if it failed (or was interrupted) and was not dismissed.
[[nodiscard]] std::optional<JobFailureView> job_failure(const TrayState& state);
[[nodiscard]] std::optional<int> current_generation(const TrayState& state);
[[nodiscard]] std::optional<int> known_good_generation(const TrayState& state);
[[nodiscard]] bool method_supported(const TrayState& state, std::string_view method);
[[nodiscard]] bool is_newer_job_id(std::string_view a, std::string_view b);  // decimal ids: a > b

struct TrayPresentation {
  TrayCondition condition = TrayCondition::connecting;
  IconId icon = IconId::transition;
  std::string tooltip;  // one line, at most tooltip_limit characters, in English (tooltip_line)
  std::string detail;   // a longer sentence for the status line, in English (detail_line)
  // The same in parts, for a front end that translates them (the GUI: gettext). The tooltip is
  // "<label> — <state>", then " · <note>" when there is one; the detail is its sentences.
  std::string label;  // "NixOS 24.11 (test)": names and a version, never translated
  Sentence state;     // "gen 3, running", "degraded: 2 failed units"
  Sentence note;      // "gen 43 unverified"; empty: none
  std::vector<Sentence> detail_sentences;
  std::optional<int> progress_percent;
  // The generation that boots next has not passed a boot check (verification_view.hpp): the GUI
  // draws a mark on the icon; the tooltip says it.
  bool unverified_badge = false;
  static constexpr std::size_t tooltip_limit = 127;  // Windows' NOTIFYICONDATA szTip
};
[[nodiscard]] TrayPresentation present(const TrayState& state, std::string_view distro_name);

// The tooltip and the detail from their parts, each sentence in the words `say` gives it (English:
// Sentence::english; the GUI: its catalogue's). The tooltip is cut to tooltip_limit bytes.
[[nodiscard]] std::string tooltip_line(const TrayPresentation& view, const SentenceWords& say);
[[nodiscard]] std::string detail_line(const TrayPresentation& view, const SentenceWords& say);

}  // namespace nixtray::tray
