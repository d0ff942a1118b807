#include "daemon/agent_daemon.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/status.hpp"

namespace nixtray::agent {

void register_status_methods(MethodRegistry& registry, AgentDaemon& daemon) {
  registry.add<protocol::StatusMethod>(
      [&daemon](CallContext, protocol::NoParams) -> net::asio::awaitable<protocol::Status> {
        co_return daemon.status();
      });
}

}  // namespace nixtray::agent
