#include "daemon/agent_daemon.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/space.hpp"

namespace nixtray::agent {

void register_space_methods(MethodRegistry& registry, AgentDaemon& daemon) {
  registry.add<protocol::SpaceMethod>(
      [&daemon](CallContext, protocol::SpaceParams params) -> net::asio::awaitable<protocol::SpaceReport> {
        auto looking = daemon.space().report(params.refresh);
        co_return co_await std::move(looking);
      });
}

}  // namespace nixtray::agent
