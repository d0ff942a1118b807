// Turns what went wrong while connecting (the shared handshake's failure) into a reason the UI can
// explain and a sentence a user can act on. Pure.
#pragma once

#include "core/state/tray_event.hpp"

#include "nixtray/net/agent_handshake.hpp"

#include <string>

namespace nixtray::tray {

struct ConnectionFailure {
  UnreachableReason reason = UnreachableReason::unknown;
  std::string message;
};

ConnectionFailure connection_failure(const net::HandshakeFailure& failure);

}  // namespace nixtray::tray
