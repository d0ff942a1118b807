// The one way a client opens a session with the agent (docs/protocol.md §3, §4): connect to the
// endpoint, say hello, check the protocol version and, over TCP, the mutual proof of the token:
//
//   client -> hello {protocol, client, nonce: Nc}
//   agent  -> {..., authorized: false, nonce: Na, proof: HMAC(token, "nixtray agent" Nc Na)}
//             the client checks the agent's proof; if it does not match, it stops here and has
//             sent nothing derived from the token (identity_not_proven)
//   client -> auth {proof: HMAC(token, "nixtray client" Na Nc)}
//   agent  -> {authorized: true}
//
// The token itself is never sent. The tray's link and one-off connection and the agent's
// command line all open their sessions here, with one set of failures.
#pragma once

#include "nixtray/net/endpoint.hpp"
#include "nixtray/net/rpc_client.hpp"
#include "nixtray/protocol/hello.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <variant>

namespace nixtray::net {

enum class HandshakeProblem {
  no_agent,             // no agent socket, or the bridge command ended before an answer
  connection_refused,   // nothing listens at the address
  permission_denied,    // the socket exists but this user may not open it
  timeout,              // no answer in time
  transport_failed,     // the transport could not be opened (command not found, bad address, ...)
  connection_lost,      // the peer closed the connection during the handshake
  token_missing,        // TCP needs a token and none was given
  identity_not_proven,  // TCP: the listener could not prove it knows the token: not the agent, or another token
  unauthorized,         // TCP: the agent proved itself but did not accept this client's proof
  protocol_mismatch,    // an agent of another protocol version, or a peer that does not speak this protocol
};

struct HandshakeFailure {
  HandshakeProblem problem = HandshakeProblem::transport_failed;
  std::string message;  // a sentence a user can act on
};

struct AgentHandshakeOptions {
  Endpoint endpoint;
  std::optional<std::string> token;           // TCP: the agent's token (proven, never sent)
  std::string token_source;                   // where the token came from, for messages (a file's path)
  std::string client;                         // "<name>/<version>", for the agent's log
  std::string program = "client";             // how messages call this program: "update the <program>"
  std::chrono::milliseconds timeout{10'000};  // opening the transport, and each step of the handshake
  RpcClientOptions rpc;
  // Runs before the client starts reading: event and close handlers go here, and a caller that
  // may have to cut the handshake short keeps the client to close it.
  std::function<void(const std::shared_ptr<RpcClient>&)> before_start;
};

struct AgentSession {
  std::shared_ptr<RpcClient> client;
  protocol::HelloResult hello;  // `authorized` as the handshake ended (TCP: true after auth)
};

using HandshakeOutcome = std::variant<AgentSession, HandshakeFailure>;

net::asio::awaitable<HandshakeOutcome> open_agent_session(AgentHandshakeOptions options);

// The words for each way of failing, also for callers that fail before connecting.
HandshakeFailure describe_open_failure(const Endpoint& endpoint, const std::error_code& error, const std::string& what);
HandshakeFailure describe_hello_failure(const Endpoint& endpoint, const protocol::RpcError& error,
                                        const std::string& program);
HandshakeFailure describe_protocol_mismatch(int agent_protocol, const std::string& agent_version,
                                            const std::string& program);

}  // namespace nixtray::net
