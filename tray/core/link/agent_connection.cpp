#include "core/link/agent_connection.hpp"

#include "core/link/token_file.hpp"

#include "nixtray/net/agent_handshake.hpp"

namespace nixtray::tray {

namespace asio = net::asio;

std::variant<net::AgentHandshakeOptions, ConnectionFailure> tray_handshake(
    const net::Endpoint& endpoint, const std::optional<std::filesystem::path>& token_file, std::string client,
    std::chrono::milliseconds connect_timeout, std::chrono::milliseconds call_timeout) {
  net::AgentHandshakeOptions handshake;
  handshake.endpoint = endpoint;
  if (endpoint.kind == net::Endpoint::Kind::tcp && token_file) {
    auto read = read_token_file(*token_file);
    if (!read.token) {
      return ConnectionFailure{UnreachableReason::token_missing, read.error};
    }
    handshake.token = std::move(read.token);
    handshake.token_source = token_file->string();
  }
  handshake.client = std::move(client);
  handshake.program = "tray";
  handshake.timeout = connect_timeout;
  handshake.rpc.call_timeout = call_timeout;
  return handshake;
}

asio::awaitable<AgentConnection::Opened> AgentConnection::open(AgentConnectionOptions options) {
  auto prepared = tray_handshake(options.endpoint, options.token_file, options.client, options.connect_timeout,
                                 options.call_timeout);
  if (auto* failure = std::get_if<ConnectionFailure>(&prepared)) {
    co_return std::move(*failure);
  }
  auto& handshake = std::get<net::AgentHandshakeOptions>(prepared);
  auto inbox = std::make_shared<EventInbox>();
  handshake.before_start = [weak = std::weak_ptr<EventInbox>(inbox)](const std::shared_ptr<net::RpcClient>& client) {
    client->on_event([weak](protocol::Event event) {
      if (auto alive = weak.lock()) alive->push(std::move(event));
    });
    client->on_close([weak](net::CloseReason) {
      if (auto alive = weak.lock()) alive->close();
    });
  };
  auto opening = net::open_agent_session(std::move(handshake));
  auto outcome = co_await std::move(opening);
  if (auto* failure = std::get_if<net::HandshakeFailure>(&outcome)) {
    co_return connection_failure(*failure);
  }
  auto& session = std::get<net::AgentSession>(outcome);
  co_return std::make_shared<AgentConnection>(std::move(session.client), std::move(session.hello), options.call_timeout,
                                              std::move(inbox));
}

asio::awaitable<bool> AgentConnection::subscribe(std::vector<std::string> topics) {
  protocol::TopicsParams params;
  params.topics = std::move(topics);
  auto subscribing = call<protocol::SubscribeMethod>(std::move(params));
  const auto subscribed = co_await std::move(subscribing);
  co_return subscribed.ok();
}

asio::awaitable<void> pause_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(net::use_nothrow);
}

asio::awaitable<ActionResult<protocol::Job>> run_job_to_end(std::shared_ptr<AgentConnection> connection,
                                                            protocol::JobStartParams params,
                                                            std::chrono::milliseconds timeout,
                                                            std::chrono::milliseconds poll,
                                                            std::function<void(const protocol::Job&)> on_update) {
  // Subscribe before the start, read the job once after it (docs/protocol.md §7): no change is
  // lost between the two.
  auto subscribing = connection->subscribe({"jobs"});
  const bool listening = co_await std::move(subscribing);
  auto starting = connection->call<protocol::JobsStartMethod>(std::move(params));
  auto started = co_await std::move(starting);
  if (!started) co_return started.error();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  protocol::JobIdParams which;
  which.id = started->id;
  bool ask = true;
  std::optional<protocol::Job> job;
  for (;;) {
    if (ask) {
      auto reading = connection->call<protocol::JobsGetMethod>(which);
      auto read = co_await std::move(reading);
      if (!read) co_return read.error();
      job = std::move(read.value());
      if (on_update) on_update(*job);
      ask = false;
    }
    if (job->state != protocol::JobState::running && job->state != protocol::JobState::unknown) {
      co_return std::move(*job);
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      co_return ActionError{ActionErrorKind::timeout,
                            "job " + which.id + " is still running after " +
                                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                                " s",
                            0, nullptr};
    }
    if (!listening) {
      auto nap = pause_for(poll);
      co_await std::move(nap);
      ask = true;
      continue;
    }
    auto waiting = connection->next_event(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    auto event = co_await std::move(waiting);
    if (connection->events_missed() || !event) {
      ask = true;  // dropped events, the deadline, or a closed connection: jobs.get says which
      continue;
    }
    if (event->topic != "jobs") continue;
    try {
      auto changed = event->data.get<protocol::Job>();
      if (changed.id != which.id) continue;
      job = std::move(changed);
      if (on_update) on_update(*job);
    } catch (const protocol::json::exception&) {
      ask = true;  // an event this client cannot read: ask instead
    }
  }
}

}  // namespace nixtray::tray
