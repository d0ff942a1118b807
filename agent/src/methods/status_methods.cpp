#include "daemon/agent_daemon.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/status.hpp"

namespace nixtray::agent {

void register_status_methods(MethodRegistry& registry, AgentDaemon& daemon) {
  // The most frequent request (every client on connecting, the tray on each menu): encoded once
  // per change of the status, not per request.
  registry.add_encoded<protocol::StatusMethod>([&daemon](protocol::NoParams) { return daemon.encoded_status(); });
}

}  // namespace nixtray::agent
