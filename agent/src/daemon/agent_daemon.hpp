// The running agent: its state sources, the methods it answers, and the server, wired together
// on one io_context (one thread).
#pragma once

#include "config/agent_config.hpp"
#include "daemon/state_dir_lock.hpp"
#include "jobs/job_service.hpp"
#include "nix/closure_queries.hpp"
#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/status.hpp"
#include "server/agent_server.hpp"
#include "server/method_registry.hpp"
#include "space/space_monitor.hpp"
#include "state/generation_store.hpp"
#include "state/known_good_store.hpp"
#include "state/path_watcher.hpp"
#include "systemd/journal_worker.hpp"
#include "systemd/systemd_watcher.hpp"
#include "verify/preflight.hpp"
#include "verify/verification_service.hpp"

#include <memory>
#include <optional>

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
  // status(), encoded (compact JSON): built on the first request after a change and shared until
  // the next one. A change is anything the daemon publishes an event for, a generations refresh,
  // closure sizes arriving, or another host name.
  std::shared_ptr<const std::string> encoded_status();
  GenerationStore& generations() { return generations_; }
  KnownGoodStore& known_good() { return known_good_; }
  // systemd as the agent sees it, and unit journals (both exist once start() ran).
  const SystemdWatcher& systemd() const { return *systemd_; }
  JournalWorker& unit_journal() { return *journal_; }
  // Closure sizes and diffs, read from Nix's database on a worker thread.
  ClosureQueries& closure_queries() { return closure_queries_; }
  JobService& jobs() { return *jobs_; }
  // verify.preflight's checks, on their own worker thread.
  PreflightRunner& preflight() { return preflight_; }
  // Boot checks recorded by clients, the probation after a pass (exists once start() ran).
  VerificationService& verification() { return *verification_; }
  AgentServer& server() { return *server_; }
  // What fills the Nix store's disk (exists once start() ran).
  SpaceMonitor& space() { return *space_; }
  const AgentConfig& config() const { return config_; }

  // Re-reads generations and pushes `generations` and `status` events when something changed.
  void refresh_generations();

 private:
  void register_methods();
  void watch_system_links();
  // Looks up closure sizes of generations that have none yet, in the background; publishes the
  // list again when they arrive.
  void request_closure_sizes();
  void publish(std::string_view topic, const protocol::json& data);
  void status_may_have_changed() { encoded_status_.reset(); }
  // A finished job's latest log lines to a client that subscribed to its log topic; read after
  // the subscription (numbering the log may take several turns of the event loop).
  net::asio::awaitable<void> send_log_tail(std::shared_ptr<Session> session, std::string topic, std::string id);
  // Reads what the booted generation's activation reported (status.activation): once per boot,
  // since activation ends before the agent starts.
  void read_activation_report();
  // Whom WSL logs in as in the booted generation (status.default_user): once per boot.
  void read_default_user();
  // Who keeps what in the store now, for the space monitor's next look.
  [[nodiscard]] SpaceSubjects space_subjects() const;

  net::asio::io_context& io_;
  AgentConfig config_;
  std::optional<StateDirLock> state_lock_;  // held from start() on
  std::int64_t started_at_;
  std::shared_ptr<const std::string> encoded_status_;
  std::string encoded_status_host_;  // the host name it holds
  KnownGoodStore known_good_;
  GenerationStore generations_;
  MethodRegistry methods_;
  std::unique_ptr<AgentServer> server_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<JournalWorker> journal_;
  std::unique_ptr<SystemdWatcher> systemd_;
  PathWatcher link_watcher_;
  bool closure_sizes_pending_ = false;
  std::string closure_sizes_problem_;  // last database problem logged, to log each once
  protocol::ActivationReport activation_;
  std::optional<protocol::DefaultUser> default_user_;
  std::unique_ptr<VerificationService> verification_;
  PreflightRunner preflight_;
  std::unique_ptr<SpaceMonitor> space_;
  ClosureQueries closure_queries_;  // last: its worker stops before the rest goes away
};

std::string agent_version();

}  // namespace nixtray::agent
