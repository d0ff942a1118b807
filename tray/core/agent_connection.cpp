#include "core/agent_connection.hpp"

#include "core/token_file.hpp"

#include "nixtray/net/open_stream.hpp"

namespace nixtray::tray {

namespace asio = net::asio;

asio::awaitable<AgentConnection::Opened> AgentConnection::open(AgentConnectionOptions options) {
  const auto& endpoint = options.endpoint;
  std::optional<std::string> token;
  std::string token_file;
  if (endpoint.kind == net::Endpoint::Kind::tcp) {
    if (!options.token_file) {
      co_return ConnectionFailure{
          UnreachableReason::token_missing,
          "a TCP connection needs the agent's token: give --token-file PATH (or set token_file)"};
    }
    token_file = options.token_file->string();
    auto read = read_token_file(*options.token_file);
    if (!read.token) {
      co_return ConnectionFailure{UnreachableReason::token_missing, read.error};
    }
    token = read.token;
  }

  std::unique_ptr<net::ByteStream> stream;
  try {
    auto opening = net::open_stream(endpoint, options.connect_timeout);
    stream = co_await std::move(opening);
  } catch (const std::system_error& e) {
    co_return classify_open_failure(endpoint, e.code(), e.what());
  } catch (const std::exception& e) {
    co_return ConnectionFailure{UnreachableReason::transport_failed,
                                "cannot connect to " + net::to_string(endpoint) + ": " + e.what()};
  }

  net::RpcClientOptions rpc_options;
  rpc_options.call_timeout = options.call_timeout;
  auto client = std::make_shared<net::RpcClient>(std::move(stream), rpc_options);
  client->start();
  protocol::HelloParams hello_params;
  hello_params.protocol = protocol::protocol_version;
  hello_params.client = options.client;
  hello_params.token = token;
  auto saying_hello = client->call<protocol::HelloMethod>(hello_params, options.connect_timeout);
  auto hello = co_await std::move(saying_hello);
  if (!hello) {
    client->close();
    co_return classify_hello_failure(endpoint, hello.error(), token_file);
  }
  if (hello->protocol != protocol::protocol_version) {
    client->close();
    co_return protocol_mismatch(hello->protocol, hello->agent);
  }
  co_return std::make_shared<AgentConnection>(std::move(client), std::move(hello.value()), options.call_timeout);
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
  auto starting = connection->call<protocol::JobsStartMethod>(std::move(params));
  auto started = co_await std::move(starting);
  if (!started) co_return started.error();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  protocol::JobIdParams which;
  which.id = started->id;
  for (;;) {
    auto reading = connection->call<protocol::JobsGetMethod>(which);
    auto job = co_await std::move(reading);
    if (!job) co_return job.error();
    if (on_update) on_update(job.value());
    if (job->state != protocol::JobState::running && job->state != protocol::JobState::unknown) {
      co_return std::move(job.value());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      co_return ActionError{ActionErrorKind::timeout,
                            "job " + which.id + " is still running after " +
                                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                                " s",
                            0, nullptr};
    }
    auto nap = pause_for(poll);
    co_await std::move(nap);
  }
}

}  // namespace nixtray::tray
