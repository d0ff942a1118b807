// Turns what went wrong while connecting into a reason the UI can explain and a sentence a user
// can act on. Pure.
#pragma once

#include "core/state/tray_event.hpp"

#include "nixtray/net/endpoint.hpp"
#include "nixtray/protocol/error_code.hpp"

#include <string>
#include <system_error>

namespace nixtray::tray {

struct ConnectionFailure {
  UnreachableReason reason = UnreachableReason::unknown;
  std::string message;
};

// open_stream threw: no socket, refused, timeout, a command that cannot start.
ConnectionFailure classify_open_failure(const net::Endpoint& endpoint, const std::error_code& error,
                                        const std::string& what);
// hello failed with an error (from the agent or a local one).
ConnectionFailure classify_hello_failure(const net::Endpoint& endpoint, const protocol::RpcError& error,
                                         const std::string& token_file);
// hello succeeded, but the agent speaks another protocol version.
ConnectionFailure protocol_mismatch(int agent_protocol, const std::string& agent_version);

}  // namespace nixtray::tray
