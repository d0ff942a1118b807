#include "daemon/agent_daemon.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/generations.hpp"
#include "support/logger.hpp"

namespace nixtray::agent {

namespace {

// The store path of a generation that can be diffed: -32003 when there is no such generation,
// -32005 when its store path is known to be unusable.
std::filesystem::path diffable_store_path(const GenerationStore& generations, int number) {
  const auto* generation = generations.find(number);
  if (!generation) {
    throw protocol::RpcException(protocol::ErrorCode::not_found, "there is no generation " + std::to_string(number));
  }
  if (generation->problem) {
    throw protocol::RpcException(protocol::ErrorCode::refused,
                                 "generation " + std::to_string(number) + " cannot be compared: " + *generation->problem);
  }
  return generation->path;
}

// A lookup that failed on the worker (the path may have gone since the last refresh).
[[noreturn]] void throw_lookup_error(int number, const ClosureLookupError& error) {
  if (error.kind == ClosureLookupError::Kind::database) {
    throw protocol::RpcException(protocol::ErrorCode::internal_error, error.message);
  }
  throw protocol::RpcException(protocol::ErrorCode::refused,
                               "generation " + std::to_string(number) + " cannot be compared: " + error.message);
}

}  // namespace

void register_generation_methods(MethodRegistry& registry, AgentDaemon& daemon) {
  registry.add<protocol::GenerationsListMethod>(
      [&daemon](CallContext, protocol::NoParams) -> net::asio::awaitable<protocol::GenerationsList> {
        const auto& generations = daemon.generations();
        if (generations.problem()) {
          throw protocol::RpcException(protocol::ErrorCode::internal_error, *generations.problem());
        }
        co_return generations.list();
      });

  registry.add<protocol::GenerationsDiffMethod>(
      [&daemon](CallContext, protocol::GenerationsDiffParams params)
          -> net::asio::awaitable<protocol::GenerationsDiff> {
        auto from_path = diffable_store_path(daemon.generations(), params.from);
        auto to_path = diffable_store_path(daemon.generations(), params.to);
        // Reading two closures can take a while on a big store: the worker does it.
        auto comparing = daemon.closure_queries().compare(std::move(from_path), std::move(to_path));
        auto comparison = co_await std::move(comparing);
        if (comparison.from_error) {
          throw_lookup_error(params.from, *comparison.from_error);
        }
        if (comparison.to_error) {
          throw_lookup_error(params.to, *comparison.to_error);
        }
        protocol::GenerationsDiff diff;
        diff.from = params.from;
        diff.to = params.to;
        diff.changes = std::move(comparison.changes);
        diff.from_closure_size = comparison.from_size;
        diff.to_closure_size = comparison.to_size;
        co_return diff;
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
