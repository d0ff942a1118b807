#include "daemon/agent_daemon.hpp"

#include "methods/method_families.hpp"
#include "nix/nix_gc_settings.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "nixtray/version.hpp"
#include "server/session.hpp"
#include "server/token_store.hpp"
#include "state/profile_scan.hpp"
#include "support/logger.hpp"
#include "verify/activation_report.hpp"
#include "verify/default_user.hpp"

#include <unistd.h>

#include <climits>
#include <ctime>

namespace nixtray::agent {

std::string agent_version() { return nixtray::version; }

namespace {

constexpr int recent_log_lines = 1000;  // sent to a new subscriber of a job's log topic

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
      link_watcher_(io, [this] { refresh_generations(); }),
      closure_queries_(NixStoreLocation::from_environment(), io.get_executor()) {}

AgentDaemon::~AgentDaemon() { stop(); }

void AgentDaemon::start() {
  std::error_code ec;
  std::filesystem::create_directories(config_.state_dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create the state directory " + config_.state_dir.string() + ": " + ec.message());
  }
  // Before anything reads or writes the directory, and before the socket is taken over.
  state_lock_.emplace(config_.state_dir);
  generations_.refresh();
  if (generations_.problem()) {
    log_warning(*generations_.problem());
  }
  read_activation_report();
  read_default_user();
  journal_ = std::make_unique<JournalWorker>(io_);
  VerificationService::Hooks verification_hooks;
  verification_hooks.changed = [this] { publish("status", protocol::json(status())); };
  verification_hooks.known_good_changed = [this] { refresh_generations(); };
  verification_hooks.refresh_generations = [this] { refresh_generations(); };
  verification_hooks.collect_evidence = [this](BootWindow window, std::int64_t now) {
    return journal_->boot_evidence(window, now);
  };
  verification_ =
      std::make_unique<VerificationService>(io_, config_.state_dir, config_.probation, config_.verify_timeout,
                                            generations_, known_good_, std::move(verification_hooks));
  verification_->start();
  systemd_ = std::make_unique<SystemdWatcher>(
      io_, [this](const protocol::UnitsChanged& changes) { publish("units", protocol::json(changes)); },
      [this] {
        verification_->systemd_changed(systemd_->model().failed_units(), systemd_->in_sync());
        publish("status", protocol::json(status()));
      });
  server_ = std::make_unique<AgentServer>(io_, server_options_of(config_), methods_);
  jobs_ = std::make_unique<JobService>(
      io_, config_, generations_, [this](std::string_view topic, const protocol::json& data) { publish(topic, data); },
      [this](std::string_view topic) { return server_->subscriber_count(topic) > 0; });
  space_ = std::make_unique<SpaceMonitor>(
      io_, NixStoreLocation::from_environment(), [this] { return space_subjects(); },
      [this](const protocol::SpaceReport& report) { publish("space", protocol::json(report)); });
  jobs_->on_running_changed([this] {
    publish("status", protocol::json(status()));
    // A job that ended changed the store (a build, a collection): what it holds is looked at again.
    if (!jobs_->running_job()) space_->look_again();
  });
  jobs_->start();
  register_methods();
  server_->set_topic_hooks({[this](const std::string& topic) {
                              if (const auto id = protocol::job_id_of_log_topic(topic)) {
                                (void)jobs_->get(*id);  // throws not_found for a job that does not exist
                              }
                            },
                            [this](const std::shared_ptr<Session>& session, const std::string& topic) {
                              if (const auto id = protocol::job_id_of_log_topic(topic)) {
                                // The latest lines; earlier ones through jobs.log (the event's `from` says where).
                                if (const auto tail = jobs_->running_log_tail(*id, recent_log_lines)) {
                                  session->send_line(AgentServer::event_line(topic, protocol::json(*tail)));
                                } else {
                                  net::asio::co_spawn(io_, send_log_tail(session, topic, *id), net::asio::detached);
                                }
                              }
                            }});
  server_->start();
  watch_system_links();
  request_closure_sizes();
  space_->start();
  systemd_->start();
}

net::asio::awaitable<void> AgentDaemon::send_log_tail(std::shared_ptr<Session> session, std::string topic,
                                                      std::string id) {
  try {
    auto reading = jobs_->log_tail(id, recent_log_lines);
    const auto tail = co_await std::move(reading);
    session->send_line(AgentServer::event_line(topic, protocol::json(tail)));
  } catch (const std::exception& e) {
    log_warning("cannot send the log of job " + id + ": " + e.what());
  }
}

void AgentDaemon::stop() {
  if (systemd_) {
    systemd_->stop();
  }
  if (journal_) {
    journal_->stop();
  }
  if (server_) {
    server_->stop();
  }
}

void AgentDaemon::register_methods() {
  register_status_methods(methods_, *this);
  register_generation_methods(methods_, *this);
  register_subscription_methods(methods_, *server_);
  register_unit_methods(methods_, *this);
  register_job_methods(methods_, *jobs_);
  register_verify_methods(methods_, *this);
  register_space_methods(methods_, *this);
}

void AgentDaemon::publish(std::string_view topic, const protocol::json& data) {
  status_may_have_changed();
  if (server_) {
    server_->publish(topic, data);
  }
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
  status_may_have_changed();  // the versions, activation report and default user are read again too
  const auto before = generations_.triple();
  const bool list_changed = generations_.refresh();
  const auto after = generations_.triple();
  if (after.booted != before.booted) {
    read_activation_report();
    read_default_user();
  }
  if (verification_) {
    verification_->generations_changed();
  }
  request_closure_sizes();
  if (!server_) {
    return;
  }
  if (list_changed) {
    server_->publish("generations", protocol::json(generations_.list()));
  }
  if (list_changed || protocol::json(before) != protocol::json(after)) {
    server_->publish("status", protocol::json(status()));
    if (space_) space_->look_again();  // a generation came or went, or which ones are kept changed
  }
}

void AgentDaemon::read_activation_report() {
  activation_ = nixtray::agent::read_activation_report(config_.activation_log);
  if (activation_.state == protocol::ActivationState::errors) {
    log_warning("the activation of the booted generation reported " + std::to_string(activation_.lines.size()) +
                " error(s), the first: " + activation_.lines.front());
  }
}

void AgentDaemon::read_default_user() {
  const auto booted = resolve_link(config_.booted_system);
  const auto number = generations_.triple().booted;
  default_user_ = booted ? nixtray::agent::read_default_user(
                               *booted, number ? "generation " + std::to_string(*number) : booted->string())
                         : std::nullopt;
}

void AgentDaemon::request_closure_sizes() {
  // One batch at a time: generations added meanwhile are asked for when it returns.
  if (closure_sizes_pending_) {
    return;
  }
  auto paths = generations_.paths_without_closure_size();
  if (paths.empty()) {
    return;
  }
  closure_sizes_pending_ = true;
  closure_queries_.closure_sizes(std::move(paths), [this](const ClosureSizes& sizes) {
    status_may_have_changed();
    closure_sizes_pending_ = false;
    std::optional<std::string> database_problem;
    for (const auto& [path, result] : sizes) {
      if (result.error && result.error->kind == ClosureLookupError::Kind::database) {
        database_problem = result.error->message;
      }
    }
    if (database_problem && *database_problem != closure_sizes_problem_) {
      log_warning("closure sizes are unknown: " + *database_problem);
      closure_sizes_problem_ = *database_problem;
    }
    const auto before = generations_.triple();
    const bool list_changed = generations_.apply_closure_sizes(sizes);
    if (list_changed) {
      publish("generations", protocol::json(generations_.list()));
    }
    if (list_changed && protocol::json(before) != protocol::json(generations_.triple())) {
      publish("status", protocol::json(status()));
    }
    if (!database_problem) {
      request_closure_sizes();  // a failing database is asked again on the next refresh only
    }
  });
}

SpaceSubjects AgentDaemon::space_subjects() const {
  SpaceSubjects subjects;
  for (const auto& generation : generations_.list().generations) {
    const bool kept = generation.is_default || generation.current || generation.booted || generation.known_good;
    subjects.generations.push_back({generation.number, generation.path, kept});
  }
  subjects.profile_dir = config_.profile_dir.lexically_normal();
  subjects.system_links = {config_.current_system, config_.booted_system};
  const auto gc = NixGcSettings::from_environment();
  subjects.keep_derivations = gc.keep_derivations;
  subjects.keep_outputs = gc.keep_outputs;
  return subjects;
}

std::shared_ptr<const std::string> AgentDaemon::encoded_status() {
  auto host = host_name();  // changes without an event: looked at on each request (one syscall)
  if (!encoded_status_ || host != encoded_status_host_) {
    encoded_status_ = std::make_shared<const std::string>(protocol::encode_compact(protocol::json(status())));
    encoded_status_host_ = std::move(host);
  }
  return encoded_status_;
}

protocol::Status AgentDaemon::status() const {
  protocol::Status status;
  if (systemd_) {
    const auto& systemd = systemd_->model();
    status.system_state = systemd.system_state();
    status.failed_units = systemd.failed_units();
    status.systemd_jobs = systemd.jobs();
  }
  status.generations = generations_.triple();
  const auto& g = status.generations;
  status.restart_pending = g.current && g.booted && *g.current != *g.booted;
  status.boot_pending = g.default_generation && g.current && *g.default_generation != *g.current;
  status.nixos_version = generations_.current_version();
  status.hostname = host_name();
  status.agent_version = agent_version();
  status.agent_started = started_at_;
  status.running_job = jobs_ ? jobs_->running_job() : std::nullopt;
  status.activation = activation_;
  status.default_user = default_user_;
  if (verification_) {
    status.verification = verification_->default_verification();
  }
  return status;
}

}  // namespace nixtray::agent
