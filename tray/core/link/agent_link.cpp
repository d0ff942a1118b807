#include "core/link/agent_link.hpp"

#include "core/link/agent_connection.hpp"
#include "core/link/connection_failure.hpp"
#include "core/link/token_file.hpp"

#include "nixtray/net/agent_handshake.hpp"
#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/jobs.hpp"
#include "nixtray/protocol/space.hpp"
#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "nixtray/version.hpp"

namespace nixtray::tray {

namespace asio = net::asio;
using protocol::json;

std::string AgentLinkOptions::default_client_name() { return std::string("nixtray/") + nixtray::version; }

std::shared_ptr<AgentLink> AgentLink::create(asio::any_io_executor executor, AgentLinkOptions options, EventSink sink,
                                             std::shared_ptr<DistroControl> control) {
  return std::shared_ptr<AgentLink>(
      new AgentLink(std::move(executor), std::move(options), std::move(sink), std::move(control)));
}

AgentLink::AgentLink(asio::any_io_executor executor, AgentLinkOptions options, EventSink sink,
                     std::shared_ptr<DistroControl> control)
    : executor_(executor),
      options_(std::move(options)),
      sink_(std::move(sink)),
      control_(std::move(control)),
      backoff_(options_.backoff),
      wake_timer_(executor),
      closed_timer_(executor) {}

AgentLink::~AgentLink() {
  if (client_) {
    client_->close();
  }
}

void AgentLink::start() {
  if (started_) {
    return;
  }
  started_ = true;
  asio::co_spawn(executor_, run(), [self = shared_from_this()](std::exception_ptr error) {
    // The loop catches what it expects; anything else is a bug worth seeing, not a silent stop.
    if (error && !self->stopped_) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        self->emit(LinkUnreachable{UnreachableReason::unknown, std::string("internal error: ") + e.what(), std::nullopt,
                                   self->connected_, false});
      }
    }
    if (auto finished = std::move(self->on_finished_)) {
      finished();
    }
  });
}

void AgentLink::stop() {
  // The sink stays: stop() may be called from inside it. stopped_ silences it.
  stopped_ = true;
  if (client_) {
    client_->close();
  }
  wake();
  closed_timer_.cancel();
}

void AgentLink::wake() {
  wake_requested_ = true;
  wake_timer_.cancel();
}

void AgentLink::user_started_distro() {
  start_permission_ = true;
  expected_down_ = false;
  backoff_.reset();
  wake();
}

void AgentLink::user_stopped_distro() {
  expected_down_ = true;
  start_permission_ = false;
}

void AgentLink::pause(std::string reason) {
  paused_ = reason;
  emit(LinkPaused{std::move(reason)});
}

void AgentLink::resume() {
  if (!paused_) {
    return;
  }
  paused_.reset();
  backoff_.reset();
  emit(LinkResumed{});
  wake();
}

void AgentLink::reconnect_now() {
  rejected_token_.reset();
  backoff_.reset();
  wake();
}

bool AgentLink::supports(std::string_view method) const {
  if (!hello_) {
    return false;
  }
  const auto& methods = hello_->methods;
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

void AgentLink::emit(TrayEvent event) {
  if (sink_ && !stopped_) {
    sink_(std::move(event));
  }
}

asio::awaitable<void> AgentLink::sleep_or_wake(std::chrono::milliseconds delay) {
  if (wake_requested_ || stopped_) {
    wake_requested_ = false;
    co_return;
  }
  wake_timer_.expires_after(delay);
  co_await wake_timer_.async_wait(net::use_nothrow);
  wake_requested_ = false;
}

asio::awaitable<void> AgentLink::observe_power() {
  if (!control_ || !control_->has_lifecycle()) {
    co_return;
  }
  auto probe_op = control_->is_running();
  const auto probe = co_await std::move(probe_op);
  DistroPower power = DistroPower::unknown;
  switch (probe.state) {
    case RunningState::running:
      power = DistroPower::running;
      break;
    case RunningState::stopped:
      power = DistroPower::stopped;
      break;
    case RunningState::missing:
      power = DistroPower::missing;
      break;
    case RunningState::unknown:
      power = DistroPower::unknown;
      break;
  }
  emit(DistroPowerObserved{power, probe.detail});
}

asio::awaitable<void> AgentLink::run() {
  auto self = shared_from_this();
  while (!stopped_) {
    if (paused_) {
      auto nap = sleep_or_wake(std::chrono::hours(24));
      co_await std::move(nap);
      continue;
    }
    if (options_.connect_starts_distro && control_ && control_->has_lifecycle() && !start_permission_) {
      // Connecting would boot the distro: only while it runs already. (Without a control that
      // can tell, there is nothing to wait for.)
      bool running = false;
      {
        auto probe_op = control_->is_running();
        const auto probe = co_await std::move(probe_op);
        if (stopped_) break;
        running = probe.state == RunningState::running;
        if (!running) {
          emit(DistroPowerObserved{probe.state == RunningState::missing   ? DistroPower::missing
                                   : probe.state == RunningState::stopped ? DistroPower::stopped
                                                                          : DistroPower::unknown,
                                   probe.detail});
        }
      }
      if (!running) {
        if (!options_.reconnect) break;  // one look only (nixtrayctl): the state says stopped
        auto nap = sleep_or_wake(options_.distro_poll_interval);
        co_await std::move(nap);
        continue;
      }
    }
    if (rejected_token_ && options_.token_file) {
      // The agent refused this token: asking again with it would only be refused again.
      const auto read = read_token_file(*options_.token_file);
      if (read.token == rejected_token_) {
        auto nap = sleep_or_wake(options_.backoff.cap);
        co_await std::move(nap);
        continue;
      }
      rejected_token_.reset();
    }

    emit(LinkConnecting{backoff_.failures() + 1});
    auto session = run_session();
    const auto end = co_await std::move(session);
    if (stopped_) break;

    const bool expected = expected_down_ || paused_.has_value();
    if (!options_.reconnect) {
      emit(LinkUnreachable{end.reason, end.message, std::nullopt, end.was_connected, expected});
      auto observe = observe_power();
      co_await std::move(observe);
      break;
    }
    std::chrono::milliseconds delay{};
    if (end.reason == UnreachableReason::unauthorized || end.reason == UnreachableReason::identity_not_proven ||
        end.reason == UnreachableReason::protocol_mismatch) {
      // Retrying soon cannot help: a person has to change the token or the agent.
      delay = options_.backoff.cap;
    } else {
      delay = backoff_.next_delay();
    }
    if (end.was_connected) {
      // The bridge may not come back without booting the distro: look before reconnecting.
      start_permission_ = false;
    }
    emit(LinkUnreachable{end.reason, end.message, delay, end.was_connected, expected});
    if (!paused_) {
      auto observe = observe_power();
      co_await std::move(observe);
    }
    auto nap = sleep_or_wake(delay);
    co_await std::move(nap);
  }
}

asio::awaitable<AgentLink::SessionEnd> AgentLink::run_session() {
  auto self = shared_from_this();
  const auto& endpoint = options_.endpoint;
  std::error_code ec;
  if (endpoint.kind == net::Endpoint::Kind::tcp && options_.token_file && options_.fetch_missing_token && control_ &&
      !std::filesystem::exists(*options_.token_file, ec)) {
    auto fetch = fetch_token(*control_, *options_.token_file);
    const auto problem = co_await std::move(fetch);
    if (!problem.empty()) {
      co_return SessionEnd{UnreachableReason::token_missing, problem};
    }
  }
  auto prepared =
      tray_handshake(endpoint, options_.token_file, options_.client, options_.connect_timeout, options_.call_timeout);
  if (auto* failure = std::get_if<ConnectionFailure>(&prepared)) {
    co_return SessionEnd{failure->reason, failure->message};
  }
  auto& handshake = std::get<net::AgentHandshakeOptions>(prepared);
  std::weak_ptr<AgentLink> weak = weak_from_this();
  session_closed_ = false;
  close_reason_.reset();
  handshake.before_start = [weak](const std::shared_ptr<net::RpcClient>& client) {
    client->on_event([weak](protocol::Event event) {
      if (auto link = weak.lock()) link->handle_event(std::move(event));
    });
    client->on_close([weak](net::CloseReason reason) {
      if (auto link = weak.lock()) {
        link->session_closed_ = true;
        link->close_reason_ = reason;
        link->closed_timer_.cancel();
      }
    });
    if (auto link = weak.lock()) link->client_ = client;  // stop() closes it, also mid-handshake
  };
  const auto token = handshake.token;
  auto opening = net::open_agent_session(std::move(handshake));
  auto outcome = co_await std::move(opening);
  if (stopped_) {
    if (auto* session = std::get_if<net::AgentSession>(&outcome)) session->client->close();
    client_.reset();
    co_return SessionEnd{};
  }
  if (auto* failure = std::get_if<net::HandshakeFailure>(&outcome)) {
    client_.reset();
    const auto described = connection_failure(*failure);
    if (described.reason == UnreachableReason::unauthorized) {
      rejected_token_ = token;  // the agent said no to this token: wait for a new one
    }
    // identity_not_proven may pass (another program held the port for a while): it is retried,
    // though only at the backoff's longest delay.
    co_return SessionEnd{described.reason, described.message};
  }
  auto client = std::move(std::get<net::AgentSession>(outcome).client);
  const auto hello = std::move(std::get<net::AgentSession>(outcome).hello);

  hello_ = hello;
  connected_ = true;
  expected_down_ = false;
  start_permission_ = false;
  backoff_.succeeded();
  emit(LinkConnected{hello, net::to_string(endpoint)});

  auto fetch = fetch_snapshots(client);
  co_await std::move(fetch);
  if (!session_closed_) {
    emit(LinkSynced{});
    fetch_space(client);
  }

  while (!session_closed_ && !stopped_) {
    closed_timer_.expires_at(asio::steady_timer::time_point::max());
    co_await closed_timer_.async_wait(net::use_nothrow);
  }
  connected_ = false;
  client_.reset();
  client->close();
  hello_.reset();
  const std::string why = close_reason_ ? std::string(net::describe(*close_reason_)) : std::string("closed");
  co_return SessionEnd{UnreachableReason::connection_lost,
                       "the connection to the agent at " + net::to_string(endpoint) + " ended (" + why + ")", true};
}

asio::awaitable<void> AgentLink::fetch_snapshots(std::shared_ptr<net::RpcClient> client) {
  // Subscribe first, then fetch: events that race the snapshots carry whole objects, so applying
  // one the snapshot already contains is harmless (docs/protocol.md §7).
  if (supports(protocol::SubscribeMethod::name)) {
    protocol::TopicsParams topics;
    topics.topics = {"status", "units", "generations", "jobs"};
    // An agent that does not know a topic refuses the whole request: only when hello lists it.
    if (supports(protocol::SpaceMethod::name)) topics.topics.push_back("space");
    const auto own_topics = topics.topics.size();
    for (const auto& job : followed_logs_) {
      topics.topics.push_back(protocol::log_topic(job));
    }
    auto op = client->call<protocol::SubscribeMethod>(topics, options_.call_timeout);
    auto subscribed = co_await std::move(op);
    if (!subscribed && !followed_logs_.empty() &&
        (subscribed.error().is(protocol::ErrorCode::not_found) ||
         subscribed.error().is(protocol::ErrorCode::unauthorized))) {
      // A followed job vanished from the agent's history, or this connection is read-only and may
      // not follow logs: subscribe without them.
      followed_logs_.clear();
      topics.topics.resize(own_topics);
      auto retry = client->call<protocol::SubscribeMethod>(topics, options_.call_timeout);
      co_await std::move(retry);
    }
  }
  // RpcClient::call<M> keeps a reference to the params until it has run: they must outlive it.
  const protocol::NoParams no_params;
  if (session_closed_ || stopped_) co_return;
  if (supports(protocol::StatusMethod::name)) {
    auto op = client->call<protocol::StatusMethod>(no_params, options_.call_timeout);
    auto status = co_await std::move(op);
    if (status) emit(StatusReceived{std::move(status.value())});
  }
  if (session_closed_ || stopped_) co_return;
  if (supports(protocol::GenerationsListMethod::name)) {
    auto op = client->call<protocol::GenerationsListMethod>(no_params, options_.call_timeout);
    auto generations = co_await std::move(op);
    if (generations) emit(GenerationsReceived{std::move(generations->generations)});
  }
  if (session_closed_ || stopped_) co_return;
  if (supports(protocol::JobsListMethod::name)) {
    protocol::JobsListParams params;
    params.limit = options_.jobs_snapshot_limit;
    auto op = client->call<protocol::JobsListMethod>(params, options_.call_timeout);
    auto jobs = co_await std::move(op);
    if (jobs) emit(JobsReceived{std::move(jobs->jobs)});
  }
}

void AgentLink::fetch_space(std::shared_ptr<net::RpcClient> client) {
  if (!supports(protocol::SpaceMethod::name)) return;
  // Not a snapshot the link waits for: an agent answers `space` only after its first look at the
  // store, seconds or minutes after it started. The `space` topic brings every later look.
  const auto timeout = std::max(options_.call_timeout, std::chrono::milliseconds(std::chrono::minutes(5)));
  std::weak_ptr<AgentLink> weak = weak_from_this();
  asio::co_spawn(
      executor_,
      [weak, client, timeout]() -> asio::awaitable<void> {
        const protocol::SpaceParams params;  // outlives the call, as RpcClient::call needs
        auto op = client->call<protocol::SpaceMethod>(params, timeout);
        auto report = co_await std::move(op);
        const auto link = weak.lock();
        if (!report || !link || link->client_ != client) co_return;  // a later session fetches its own
        link->emit(SpaceReceived{std::move(report.value())});
      },
      asio::detached);
}

void AgentLink::handle_event(protocol::Event event) {
  try {
    if (event.topic == "status") {
      emit(StatusReceived{event.data.get<protocol::Status>()});
    } else if (event.topic == "units") {
      emit(UnitsChangedReceived{event.data.get<protocol::UnitsChanged>()});
    } else if (event.topic == "generations") {
      emit(GenerationsReceived{event.data.get<protocol::GenerationsList>().generations});
    } else if (event.topic == "jobs") {
      emit(JobUpdated{event.data.get<protocol::Job>()});
    } else if (event.topic == "space") {
      emit(SpaceReceived{event.data.get<protocol::SpaceReport>()});
    } else if (auto job = protocol::job_id_of_log_topic(event.topic)) {
      emit(JobLogReceived{*job, event.data.get<protocol::LogChunk>()});
    }
    // Unknown topics are ignored (docs/protocol.md §10).
  } catch (const std::exception&) {
    // An event that does not decode is dropped; the next whole-object event repairs the state.
  }
}

void AgentLink::subscribe_logs(std::vector<std::string> topics, bool subscribe) {
  auto client = client_;
  if (!client || !connected_ || !supports(protocol::SubscribeMethod::name)) {
    return;
  }
  const auto timeout = options_.call_timeout;
  asio::co_spawn(
      executor_,
      [client, topics = std::move(topics), subscribe, timeout]() -> asio::awaitable<void> {
        protocol::TopicsParams params;
        params.topics = topics;
        if (subscribe) {
          auto op = client->call<protocol::SubscribeMethod>(params, timeout);
          co_await std::move(op);
        } else {
          auto op = client->call<protocol::UnsubscribeMethod>(params, timeout);
          co_await std::move(op);
        }
      },
      asio::detached);
}

void AgentLink::follow_job_log(const std::string& job_id) {
  if (followed_logs_.insert(job_id).second) {
    subscribe_logs({protocol::log_topic(job_id)}, true);
  }
}

void AgentLink::unfollow_job_log(const std::string& job_id) {
  if (followed_logs_.erase(job_id) > 0) {
    subscribe_logs({protocol::log_topic(job_id)}, false);
  }
}

}  // namespace nixtray::tray
