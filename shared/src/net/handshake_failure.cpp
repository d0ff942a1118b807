// The sentences of the handshake's failures (agent_handshake.hpp): what went wrong and what to do.
#include "nixtray/net/agent_handshake.hpp"
#include "nixtray/protocol/outcome.hpp"

namespace nixtray::net {

namespace {

std::string command_name(const Endpoint& endpoint) {
  return endpoint.argv.empty() ? std::string("the command") : "`" + endpoint.argv.front() + "`";
}

}  // namespace

HandshakeFailure describe_open_failure(const Endpoint& endpoint, const std::error_code& error,
                                       const std::string& what) {
  using enum HandshakeProblem;
  const auto address = to_string(endpoint);
  if (error == std::errc::timed_out) {
    return {timeout, "no answer from " + address + " in time"};
  }
  switch (endpoint.kind) {
    case Endpoint::Kind::unix_socket:
      if (error == std::errc::no_such_file_or_directory) {
        return {no_agent, "there is no agent socket at " + endpoint.path +
                              ": is nixtray-agent running? (systemctl start nixtray-agent.socket)"};
      }
      if (error == std::errc::connection_refused) {
        return {connection_refused, "nothing listens on " + endpoint.path +
                                        ": the agent has stopped (systemctl start nixtray-agent.socket)"};
      }
      if (error == std::errc::permission_denied) {
        return {permission_denied,
                "permission denied on " + endpoint.path + ": only root and members of the agent's group may open it"};
      }
      break;
    case Endpoint::Kind::tcp:
      if (error == std::errc::connection_refused) {
        return {connection_refused, "nothing listens on " + endpoint.host + ":" + std::to_string(endpoint.port) +
                                        ": is the distro running, and the agent's tcp setting on?"};
      }
      break;
    case Endpoint::Kind::command:
      return {transport_failed, "cannot start " + command_name(endpoint) + ": " + error.message()};
  }
  return {transport_failed, "cannot connect to " + address + ": " + what};
}

HandshakeFailure describe_hello_failure(const Endpoint& endpoint, const protocol::RpcError& error,
                                        const std::string& program) {
  using enum HandshakeProblem;
  using protocol::LocalErrorCode;
  if (error.code == static_cast<int>(LocalErrorCode::disconnected)) {
    if (endpoint.kind == Endpoint::Kind::command) {
      return {no_agent, command_name(endpoint) +
                            " ended before the agent answered: is nixtray-agent installed and running in the distro?"};
    }
    return {connection_lost, "the agent closed the connection before answering hello"};
  }
  if (error.code == static_cast<int>(LocalErrorCode::timeout)) {
    return {timeout, "the agent at " + to_string(endpoint) + " did not answer hello in time"};
  }
  // Anything else means the peer did not understand our hello: not an agent of our protocol.
  return {protocol_mismatch, "the peer at " + to_string(endpoint) + " did not accept this " + program + "'s hello (" +
                                 error.message + "): it may be an agent of another protocol version"};
}

HandshakeFailure describe_protocol_mismatch(int agent_protocol, const std::string& agent_version,
                                            const std::string& program) {
  return {HandshakeProblem::protocol_mismatch,
          "the agent (version " + agent_version + ") speaks protocol " + std::to_string(agent_protocol) + ", this " +
              program + " speaks protocol " + std::to_string(protocol::protocol_version) + ": update the " +
              (agent_protocol > protocol::protocol_version ? program : std::string("agent"))};
}

}  // namespace nixtray::net
