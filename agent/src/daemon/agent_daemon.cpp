#include "daemon/agent_daemon.hpp"

#include "methods/method_families.hpp"
#include "nixtray/version.hpp"
#include "server/token_store.hpp"
#include "support/logger.hpp"

#include <unistd.h>

#include <climits>
#include <ctime>

namespace nixtray::agent {

std::string agent_version() { return nixtray::version; }

namespace {

SystemPaths system_paths_of(const AgentConfig& config) {
  SystemPaths paths;
  paths.profile_dir = config.profile_dir;
  paths.current_system = config.current_system;
  paths.booted_system = config.booted_system;
  paths.state_dir = config.state_dir;
  return paths;
}

ServerOptions server_options_of(const AgentConfig& config) {
  ServerOptions options;
  options.socket = config.socket;
  options.group = config.group;
  options.tcp = config.tcp;
  if (config.tcp) {
    options.token = TokenStore(config.token_file).load_or_create();
  }
  options.agent_version = agent_version();
  options.limits.first_line_timeout = config.hello_timeout;
  options.limits.line_timeout = config.client_timeout;
  options.limits.write_timeout = config.client_timeout;
  options.max_clients = config.max_clients;
  return options;
}

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  return ::gethostname(name, sizeof(name)) == 0 ? std::string(name) : std::string();
}

}  // namespace

AgentDaemon::AgentDaemon(net::asio::io_context& io, AgentConfig config)
    : io_(io),
      config_(std::move(config)),
      started_at_(std::time(nullptr)),
      known_good_(config_.state_dir),
      generations_(system_paths_of(config_), known_good_),
      link_watcher_(io, [this] { refresh_generations(); }) {}

AgentDaemon::~AgentDaemon() { stop(); }

void AgentDaemon::start() {
  std::error_code ec;
  std::filesystem::create_directories(config_.state_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create the state directory " + config_.state_dir.string() + ": " + ec.message());
  }
  generations_.refresh();
  if (generations_.problem()) {
    log_warning(*generations_.problem());
  }
  server_ = std::make_unique<AgentServer>(io_, server_options_of(config_), methods_);
  register_methods();
  server_->start();
  watch_system_links();
}

void AgentDaemon::stop() {
  if (server_) {
    server_->stop();
  }
}

void AgentDaemon::register_methods() {
  register_status_methods(methods_, *this);
  register_generation_methods(methods_, *this);
  register_subscription_methods(methods_, *server_);
}

void AgentDaemon::watch_system_links() {
  // nix-env adds system-N-link and repoints `system`; switch-to-configuration repoints
  // /run/current-system. Both replace links by rename, which inotify reports on the directory.
  link_watcher_.watch_directory(config_.profile_dir);
  for (const auto& link : {config_.current_system, config_.booted_system}) {
    link_watcher_.watch_directory(link.parent_path(), {link.filename().string()});
  }
  link_watcher_.start();
}

void AgentDaemon::refresh_generations() {
  const auto before = generations_.triple();
  const bool list_changed = generations_.refresh();
  const auto after = generations_.triple();
  if (!server_) {
    return;
  }
  if (list_changed) {
    server_->publish("generations", protocol::json(generations_.list()));
  }
  if (list_changed || protocol::json(before) != protocol::json(after)) {
    server_->publish("status", protocol::json(status()));
  }
}

protocol::Status AgentDaemon::status() const {
  protocol::Status status;
  status.system_state = protocol::SystemState::unknown;  // systemd is watched from the state issue on
  status.generations = generations_.triple();
  const auto& g = status.generations;
  status.restart_pending = g.current && g.booted && *g.current != *g.booted;
  status.boot_pending = g.default_generation && g.current && *g.default_generation != *g.current;
  status.nixos_version = generations_.current_version();
  status.hostname = host_name();
  status.agent_version = agent_version();
  status.agent_started = started_at_;
  return status;
}

}  // namespace nixtray::agent
