#include "core/connection_failure.hpp"

#include "nixtray/protocol/hello.hpp"
#include "nixtray/protocol/outcome.hpp"

namespace nixtray::tray {

namespace {

std::string command_name(const net::Endpoint& endpoint) {
  return endpoint.argv.empty() ? std::string("the command") : "`" + endpoint.argv.front() + "`";
}

}  // namespace

ConnectionFailure classify_open_failure(const net::Endpoint& endpoint, const std::error_code& error,
                                        const std::string& what) {
  const auto address = net::to_string(endpoint);
  if (error == std::errc::timed_out) {
    return {UnreachableReason::timeout, "no answer from " + address + " in time"};
  }
  switch (endpoint.kind) {
    case net::Endpoint::Kind::unix_socket:
      if (error == std::errc::no_such_file_or_directory) {
        return {UnreachableReason::no_agent, "there is no agent socket at " + endpoint.path +
                                                 ": is nixtray-agent running? (systemctl start nixtray-agent.socket)"};
      }
      if (error == std::errc::connection_refused) {
        return {
            UnreachableReason::connection_refused,
            "nothing listens on " + endpoint.path + ": the agent has stopped (systemctl start nixtray-agent.socket)"};
      }
      if (error == std::errc::permission_denied) {
        return {UnreachableReason::permission_denied,
                "permission denied on " + endpoint.path + ": only root and members of the agent's group may open it"};
      }
      break;
    case net::Endpoint::Kind::tcp:
      if (error == std::errc::connection_refused) {
        return {UnreachableReason::connection_refused, "nothing listens on " + endpoint.host + ":" +
                                                           std::to_string(endpoint.port) +
                                                           ": is the distro running, and the agent's tcp setting on?"};
      }
      break;
    case net::Endpoint::Kind::command:
      return {UnreachableReason::transport_failed, "cannot start " + command_name(endpoint) + ": " + error.message()};
  }
  return {UnreachableReason::transport_failed, "cannot connect to " + address + ": " + what};
}

ConnectionFailure classify_hello_failure(const net::Endpoint& endpoint, const protocol::RpcError& error,
                                         const std::string& token_file) {
  using protocol::ErrorCode;
  using protocol::LocalErrorCode;
  if (error.is(ErrorCode::unauthorized)) {
    return {UnreachableReason::unauthorized,
            "the agent rejected the token" + (token_file.empty() ? std::string() : " in " + token_file) +
                " (read it again with: nixtray-agent token, as root inside the distro)"};
  }
  if (error.code == static_cast<int>(LocalErrorCode::disconnected)) {
    if (endpoint.kind == net::Endpoint::Kind::command) {
      return {UnreachableReason::no_agent, command_name(endpoint) +
                                               " ended before the agent answered: is nixtray-agent installed and "
                                               "running in the distro?"};
    }
    return {UnreachableReason::connection_lost, "the agent closed the connection before answering hello"};
  }
  if (error.code == static_cast<int>(LocalErrorCode::timeout)) {
    return {UnreachableReason::timeout, "the agent at " + net::to_string(endpoint) + " did not answer hello in time"};
  }
  // Anything else means the peer did not understand our hello: not an agent of our protocol.
  return {UnreachableReason::protocol_mismatch, "the peer at " + net::to_string(endpoint) +
                                                    " did not accept this tray's hello (" + error.message +
                                                    "): it may be an agent of another protocol version"};
}

ConnectionFailure protocol_mismatch(int agent_protocol, const std::string& agent_version) {
  return {UnreachableReason::protocol_mismatch, "the agent (version " + agent_version + ") speaks protocol " +
                                                    std::to_string(agent_protocol) + ", this tray speaks protocol " +
                                                    std::to_string(protocol::protocol_version) + ": update the " +
                                                    (agent_protocol > protocol::protocol_version ? "tray" : "agent")};
}

}  // namespace nixtray::tray
