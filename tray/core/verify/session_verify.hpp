// Verify-boot wired to the tray: the options a BootVerifier gets from the tray's settings and
// agent connection, and the callbacks that let the TraySession show it (paused link, progress in
// the state, the finished event that NotificationRules turns into "what broke") and persist it
// (the verify-in-progress record and the known-good generation, on the host). TraySession uses
// these for verify_boot and check_boot; a tray that finds an unfinished check at start shows
// interrupted_verify_notification.
#pragma once

#include "core/link/agent_connection.hpp"
#include "core/settings/tray_settings.hpp"
#include "core/state/notification_rules.hpp"
#include "core/state/rebuild_flow.hpp"
#include "core/tray_session.hpp"
#include "core/verify/boot_verifier.hpp"

#include <functional>
#include <memory>
#include <optional>

namespace nixtray::tray {

// Everything but the distro control, from the settings (verify: auto-rollback, boot timeout), the
// agent connection and where the system profile is inside the distro.
BootVerifierOptions boot_verifier_options(const TraySettings& settings, AgentConnectionOptions agent,
                                          std::string profile_dir);

// The host's known-good generation and a check a previous tray did not finish.
VerifyRequest verify_request_for(const TraySession& session, std::optional<RebuildRequest> rebuild_first = {});

// "Rebuild, restart and verify": a rebuild for the next boot with the settings' flake.
RebuildRequest rebuild_before_verify(const TraySettings& settings);

// The setting "Verify boot after each rebuild": true once a switch or boot rebuild has finished
// and the tray controls the distro's lifecycle (the owner starts verify-boot once per job). A
// switched update (RebuildFlow::begin_update) is verified whatever the setting.
bool verify_after_rebuild(const RebuildFlow& flow, const TraySettings& settings, bool has_lifecycle);

// on_takeover -> begin_verify (pauses the link), on_step -> report_verify, on_record ->
// record_verify, on_known_good -> record_known_good, on_finished -> end_verify (resumes the link;
// notifies failures) then `done`.
BootVerifierCallbacks session_verify_callbacks(std::weak_ptr<TraySession> session,
                                               std::function<void(const VerifyReport&)> done = {});

// What a tray that finds an unfinished check in its settings at start tells the person (once per
// start; the next Verify boot resumes the check and clears the record), or nothing.
std::optional<Notification> interrupted_verify_notification(const TraySettings& settings);

// The notification the tray shows for this result (NotificationRules decides), if any.
std::optional<Notification> verify_notification(const VerifyReport& report, NotificationToggles toggles,
                                                const std::string& distro);

// The step as the tray shows it ("pre-flight", "waiting for the agent", ...).
VerifyProgress verify_progress_of(const VerifyStep& step);

}  // namespace nixtray::tray
