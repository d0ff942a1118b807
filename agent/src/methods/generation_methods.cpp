#include "daemon/agent_daemon.hpp"
#include "methods/method_families.hpp"
#include "nixtray/protocol/generations.hpp"
#include "support/logger.hpp"

namespace nixtray::agent {

namespace {

std::string generation_name(int number) { return "generation " + std::to_string(number); }

// The store path of a generation that can be diffed: -32003 when there is no such generation,
// -32005 when its store path is known to be unusable.
std::filesystem::path diffable_store_path(const GenerationStore& generations, int number) {
  const auto* generation = generations.find(number);
  if (!generation) {
    throw protocol::RpcException(protocol::ErrorCode::not_found, "there is no " + generation_name(number));
  }
  if (generation->problem) {
    throw protocol::RpcException(protocol::ErrorCode::refused,
                                 generation_name(number) + " cannot be compared: " + *generation->problem);
  }
  return generation->path;
}

// A store path given as the "after" side instead of a generation (a build job's result_path): it
// must name a top-level store path itself, spelled as the database records it, so that nothing but
// a database lookup is ever done with it; -32602 otherwise. Whether it is registered is checked
// with its closure.
std::filesystem::path diffable_built_path(const NixStoreLocation& store, const std::string& text) {
  const auto store_path = store.store_path_of(text);
  if (!store_path || store_path->string() != text) {
    throw protocol::RpcException(protocol::ErrorCode::invalid_params,
                                 "to_path must be a path directly inside the Nix store " + store.store_dir.string() +
                                     " (such as a build job's result_path), got " + text);
  }
  return *store_path;
}

// A lookup that failed on the worker (the path may have gone since the last refresh). `side` names
// what was asked for; `gone` is the code for a path that is missing or unregistered.
[[noreturn]] void throw_lookup_error(const std::string& side, protocol::ErrorCode gone,
                                     const ClosureLookupError& error) {
  if (error.kind == ClosureLookupError::Kind::database) {
    throw protocol::RpcException(protocol::ErrorCode::internal_error, error.message);
  }
  throw protocol::RpcException(gone, side + " cannot be compared: " + error.message);
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
      [&daemon](CallContext,
                protocol::GenerationsDiffParams params) -> net::asio::awaitable<protocol::GenerationsDiff> {
        auto& closures = daemon.closure_queries();
        auto from_path = diffable_store_path(daemon.generations(), params.from);
        // A store path that is not registered is as unknown as a generation that does not exist.
        auto to_path = params.to ? diffable_store_path(daemon.generations(), *params.to)
                                 : diffable_built_path(closures.location(), *params.to_path);
        const auto to_gone = params.to ? protocol::ErrorCode::refused : protocol::ErrorCode::not_found;
        // Reading two closures can take a while on a big store: the worker does it.
        auto comparing = closures.compare(std::move(from_path), std::move(to_path));
        auto comparison = co_await std::move(comparing);
        if (comparison.from_error) {
          throw_lookup_error(generation_name(params.from), protocol::ErrorCode::refused, *comparison.from_error);
        }
        if (comparison.to_error) {
          throw_lookup_error(params.to ? generation_name(*params.to) : *params.to_path, to_gone, *comparison.to_error);
        }
        protocol::GenerationsDiff diff;
        diff.from = params.from;
        diff.to = params.to;
        diff.to_path = params.to_path;
        diff.changes = std::move(comparison.changes);
        diff.from_closure_size = comparison.from_size;
        diff.to_closure_size = comparison.to_size;
        co_return diff;
      });

  registry.add<protocol::GenerationsMarkGoodMethod>([&daemon](CallContext context, protocol::MarkGoodParams params)
                                                        -> net::asio::awaitable<protocol::MarkGoodResult> {
    const auto* generation = daemon.generations().find(params.number);
    if (!generation) {
      throw protocol::RpcException(protocol::ErrorCode::not_found,
                                   "there is no generation " + std::to_string(params.number));
    }
    if (generation->problem) {
      throw protocol::RpcException(protocol::ErrorCode::refused, "generation " + std::to_string(params.number) +
                                                                     " cannot be known-good: " + *generation->problem);
    }
    try {
      daemon.known_good().mark(params.number, generation->path);
    } catch (const std::runtime_error& e) {
      throw protocol::RpcException(protocol::ErrorCode::internal_error, e.what());
    }
    log_info("generation " + std::to_string(params.number) + " marked known-good by " + context.peer.describe());
    daemon.refresh_generations();
    co_return protocol::MarkGoodResult{params.number};
  });
}

}  // namespace nixtray::agent
