// The running agent: its state sources, the methods it answers, and the server, wired together
// on one io_context (one thread).
#pragma once

#include "config/agent_config.hpp"
#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/status.hpp"
#include "server/agent_server.hpp"
#include "server/method_registry.hpp"
#include "state/generation_store.hpp"
#include "state/known_good_store.hpp"
#include "state/path_watcher.hpp"

#include <memory>

namespace nixtray::agent {

class AgentDaemon {
 public:
  AgentDaemon(net::asio::io_context& io, AgentConfig config);
  ~AgentDaemon();
  AgentDaemon(const AgentDaemon&) = delete;
  AgentDaemon& operator=(const AgentDaemon&) = delete;

  // Throws std::runtime_error with an actionable message when it cannot serve.
  void start();
  void stop();

  [[nodiscard]] protocol::Status status() const;
  GenerationStore& generations() { return generations_; }
  KnownGoodStore& known_good() { return known_good_; }
  AgentServer& server() { return *server_; }
  const AgentConfig& config() const { return config_; }

  // Re-reads generations and pushes `generations` and `status` events when something changed.
  void refresh_generations();

 private:
  void register_methods();
  void watch_system_links();

  net::asio::io_context& io_;
  AgentConfig config_;
  std::int64_t started_at_;
  KnownGoodStore known_good_;
  GenerationStore generations_;
  MethodRegistry methods_;
  std::unique_ptr<AgentServer> server_;
  PathWatcher link_watcher_;
};

std::string agent_version();

}  // namespace nixtray::agent
