#include "daemon/agent_daemon.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/generations.hpp"
#include "support/logger.hpp"

namespace nixtray::agent {

void register_generation_methods(MethodRegistry& registry, AgentDaemon& daemon) {
  registry.add<protocol::GenerationsListMethod>(
      [&daemon](CallContext, protocol::NoParams) -> net::asio::awaitable<protocol::GenerationsList> {
        const auto& generations = daemon.generations();
        if (generations.problem()) {
          throw protocol::RpcException(protocol::ErrorCode::internal_error, *generations.problem());
        }
        co_return generations.list();
      });

  registry.add<protocol::GenerationsMarkGoodMethod>(
      [&daemon](CallContext context, protocol::MarkGoodParams params)
          -> net::asio::awaitable<protocol::MarkGoodResult> {
        const auto* generation = daemon.generations().find(params.number);
        if (!generation) {
          throw protocol::RpcException(protocol::ErrorCode::not_found,
                                       "there is no generation " + std::to_string(params.number));
        }
        if (generation->problem) {
          throw protocol::RpcException(protocol::ErrorCode::refused, "generation " + std::to_string(params.number) +
                                                                         " cannot be known-good: " +
                                                                         *generation->problem);
        }
        try {
          daemon.known_good().mark(params.number);
        } catch (const std::runtime_error& e) {
          throw protocol::RpcException(protocol::ErrorCode::internal_error, e.what());
        }
        log_info("generation " + std::to_string(params.number) + " marked known-good by " + context.peer.describe());
        daemon.refresh_generations();
        co_return protocol::MarkGoodResult{params.number};
      });
}

}  // namespace nixtray::agent
