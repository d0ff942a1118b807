// What happens to the tray: the inputs of TrayStateReducer. The agent link, the distro control,
// the user and verify-boot produce them; the reducer folds them into one TrayState.
#pragma once

#include "core/state/sentence.hpp"

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/hello.hpp"
#include "nixtray/protocol/jobs.hpp"
#include "nixtray/protocol/space.hpp"
#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/units.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nixtray::tray {

// Why the agent cannot be reached. The UI explains each differently.
enum class UnreachableReason {
  unknown,
  no_distro,           // the configured distro does not exist
  no_agent,            // the distro runs, but no agent answers in it (socket missing, bridge ended)
  connection_refused,  // nothing listens at the address
  permission_denied,   // the socket exists but this user may not open it
  protocol_mismatch,   // an agent that speaks another protocol version
  unauthorized,        // the agent did not accept this tray's proof of the token (TCP)
  token_missing,       // TCP needs a token and the token file cannot be read
  timeout,             // no answer in time
  transport_failed,    // the transport could not be opened (command not found, bad address, ...)
  connection_lost,     // an established connection ended
  // TCP: the listener could not prove it knows the token: not the agent, or another token
  identity_not_proven,
};
std::string_view to_string(UnreachableReason reason);

// Whether the distro runs, as the distro control sees it.
enum class DistroPower { unknown, running, stopped, missing };
std::string_view to_string(DistroPower power);

// --- from the agent link ---

struct LinkConnecting {
  int attempt = 1;
};
struct LinkConnected {
  protocol::HelloResult hello;
  std::string endpoint;  // for the status window: "unix:/run/nixtray/agent.sock"
};
// The snapshots after connecting (status, generations, jobs) have all arrived.
struct LinkSynced {};
struct LinkUnreachable {
  UnreachableReason reason = UnreachableReason::unknown;
  std::string message;                                // a sentence a user can act on
  std::optional<std::chrono::milliseconds> retry_in;  // nullopt: no automatic retry
  bool was_connected = false;  // an established connection ended (rather than an attempt failing)
  bool expected = false;       // the user stopped the distro, or verify-boot restarts it: no alarm
};
struct LinkPaused {
  std::string reason;
};
struct LinkResumed {};
struct StatusReceived {
  protocol::Status status;
};
struct UnitsChangedReceived {
  protocol::UnitsChanged change;
};
struct GenerationsReceived {
  std::vector<protocol::Generation> generations;
};
// The jobs.list snapshot taken right after connecting (newest first).
struct JobsReceived {
  std::vector<protocol::Job> jobs;
};
struct JobUpdated {
  protocol::Job job;
};
struct JobLogReceived {
  std::string job_id;
  protocol::LogChunk chunk;
};
// The agent's space report (the `space` answer after connecting, then the `space` topic).
struct SpaceReceived {
  protocol::SpaceReport report;
};

// --- from the distro control ---

struct DistroPowerObserved {
  DistroPower power = DistroPower::unknown;
  std::string detail;
};
struct DistroActionFailed {
  std::string action;  // "start", "shut down"
  std::string message;
};

// --- from the user ---

struct UserRequestedStart {};
struct UserRequestedStop {};
struct UserDismissedFailure {};

// --- from verify-boot ---

enum class VerifyOutcome { passed, passed_degraded, unknown, failed, rolled_back, refused };
std::string_view to_string(VerifyOutcome outcome);

struct VerifyProgress {
  std::string step;  // "pre-flight", "restarting", "waiting for the agent", ...
  std::string message;
};
struct VerifyFinished {
  VerifyOutcome outcome = VerifyOutcome::passed;
  std::string message;
  std::optional<int> generation;
  // The steps and what broke (the failed step's lines, the agent's evidence of the failed boot),
  // one line each, for the status window (verify_evidence_lines).
  std::vector<std::string> evidence;
  Sentence headline;  // "Generation 43 did not start: its init or systemd exited during boot"
};

using TrayEvent =
    std::variant<LinkConnecting, LinkConnected, LinkSynced, LinkUnreachable, LinkPaused, LinkResumed, StatusReceived,
                 UnitsChangedReceived, GenerationsReceived, JobsReceived, JobUpdated, JobLogReceived, SpaceReceived,
                 DistroPowerObserved, DistroActionFailed, UserRequestedStart, UserRequestedStop, UserDismissedFailure,
                 VerifyProgress, VerifyFinished>;

}  // namespace nixtray::tray
