// Verify-boot wired to the tray: the options a BootVerifier gets from the tray's settings and
// agent link, and the callbacks that let the TraySession show it (paused link, progress in the
// state, the finished event that NotificationRules turns into "what broke") and persist it (the
// verify-in-progress record in the settings).
//
// The GUI's part:
//   auto verifier = BootVerifier::create(executor, boot_verifier_options(session->settings(),
//                                        session->link().options()), control /* the one given to
//                                        TraySession::create */, session_verify_callbacks(session, on_done));
//   verifier->start(verify_request_for(*session));          // Verify boot
//   verifier->start(verify_request_for(*session, RebuildRequest{...}));  // Rebuild and verify
// and at start: if (auto record = session->interrupted_verify()) show describe_interrupted_verify(*record)
// with "Check again" (verifier->start(verify_request_for(*session))) and "Dismiss"
// (session->record_verify(std::nullopt)).
#pragma once

#include "core/agent_link.hpp"
#include "core/settings/tray_settings.hpp"
#include "core/state/notification_rules.hpp"
#include "core/state/rebuild_flow.hpp"
#include "core/tray_session.hpp"
#include "core/verify/boot_verifier.hpp"

#include <functional>
#include <memory>
#include <optional>

namespace nixtray::tray {

// Everything but the distro control, from the settings (verify: auto-rollback, boot timeout,
// profile dir) and the link's transport (endpoint, token file, client name, call timeout).
BootVerifierOptions boot_verifier_options(const TraySettings& settings, const AgentLinkOptions& link);

// The host's known-good generation and a check a previous tray did not finish.
VerifyRequest verify_request_for(const TraySession& session, std::optional<RebuildRequest> rebuild_first = {});

// "Rebuild, restart and verify": a rebuild for the next boot with the settings' flake.
RebuildRequest rebuild_before_verify(const TraySettings& settings);

// The setting "Verify boot after each rebuild": true once a switch or boot rebuild has finished
// and the tray controls the distro's lifecycle (the owner starts verify-boot once per job).
bool verify_after_rebuild(const RebuildFlow& flow, const TraySettings& settings, bool has_lifecycle);

// on_takeover -> begin_verify (pauses the link), on_step -> report_verify, on_record ->
// record_verify, on_finished -> end_verify (resumes the link; notifies failures) then `done`.
// on_known_good needs nothing: the agent was marked first, and the session takes the known-good
// generation from the agent's status when the link resumes.
BootVerifierCallbacks session_verify_callbacks(std::weak_ptr<TraySession> session,
                                               std::function<void(const VerifyReport&)> done = {});

// What a tray that finds an unfinished check in its settings at start tells the person (once per
// start; the next Verify boot resumes the check and clears the record), or nothing.
std::optional<Notification> interrupted_verify_notification(const TraySettings& settings);

// The step as the tray shows it ("pre-flight", "waiting for the agent", ...).
VerifyProgress verify_progress_of(const VerifyStep& step);

}  // namespace nixtray::tray
