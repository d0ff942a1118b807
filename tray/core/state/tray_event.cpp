#include "core/state/tray_event.hpp"

namespace nixtray::tray {

std::string_view to_string(UnreachableReason reason) {
  switch (reason) {
    case UnreachableReason::unknown:
      return "unknown";
    case UnreachableReason::no_distro:
      return "no-distro";
    case UnreachableReason::no_agent:
      return "no-agent";
    case UnreachableReason::connection_refused:
      return "connection-refused";
    case UnreachableReason::permission_denied:
      return "permission-denied";
    case UnreachableReason::protocol_mismatch:
      return "protocol-mismatch";
    case UnreachableReason::unauthorized:
      return "unauthorized";
    case UnreachableReason::identity_not_proven:
      return "identity-not-proven";
    case UnreachableReason::token_missing:
      return "token-missing";
    case UnreachableReason::timeout:
      return "timeout";
    case UnreachableReason::transport_failed:
      return "transport-failed";
    case UnreachableReason::connection_lost:
      return "connection-lost";
  }
  return "unknown";
}

std::string_view to_string(DistroPower power) {
  switch (power) {
    case DistroPower::unknown:
      return "unknown";
    case DistroPower::running:
      return "running";
    case DistroPower::stopped:
      return "stopped";
    case DistroPower::missing:
      return "missing";
  }
  return "unknown";
}

std::string_view to_string(VerifyOutcome outcome) {
  switch (outcome) {
    case VerifyOutcome::passed:
      return "passed";
    case VerifyOutcome::passed_degraded:
      return "passed-degraded";
    case VerifyOutcome::unknown:
      return "unknown";
    case VerifyOutcome::failed:
      return "failed";
    case VerifyOutcome::rolled_back:
      return "rolled-back";
    case VerifyOutcome::refused:
      return "refused";
  }
  return "unknown";
}

}  // namespace nixtray::tray
