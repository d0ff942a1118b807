#include "core/link/connection_failure.hpp"

namespace nixtray::tray {

namespace {

UnreachableReason reason_of(net::HandshakeProblem problem) {
  switch (problem) {
    case net::HandshakeProblem::no_agent:
      return UnreachableReason::no_agent;
    case net::HandshakeProblem::connection_refused:
      return UnreachableReason::connection_refused;
    case net::HandshakeProblem::permission_denied:
      return UnreachableReason::permission_denied;
    case net::HandshakeProblem::timeout:
      return UnreachableReason::timeout;
    case net::HandshakeProblem::transport_failed:
      return UnreachableReason::transport_failed;
    case net::HandshakeProblem::connection_lost:
      return UnreachableReason::connection_lost;
    case net::HandshakeProblem::token_missing:
      return UnreachableReason::token_missing;
    case net::HandshakeProblem::identity_not_proven:
      return UnreachableReason::identity_not_proven;
    case net::HandshakeProblem::unauthorized:
      return UnreachableReason::unauthorized;
    case net::HandshakeProblem::protocol_mismatch:
      return UnreachableReason::protocol_mismatch;
  }
  return UnreachableReason::unknown;
}

}  // namespace

ConnectionFailure connection_failure(const net::HandshakeFailure& failure) {
  return {reason_of(failure.problem), failure.message};
}

}  // namespace nixtray::tray
