#include "nixtray/net/agent_handshake.hpp"

#include "nixtray/crypto/token_proof.hpp"
#include "nixtray/net/open_stream.hpp"

namespace nixtray::net {

namespace {

std::string token_words(const AgentHandshakeOptions& options) {
  return options.token_source.empty() ? std::string("the token") : "the token in " + options.token_source;
}

HandshakeFailure not_proven(const AgentHandshakeOptions& options, const std::string& why) {
  return {HandshakeProblem::identity_not_proven,
          "the agent's identity could not be proven: the listener at " + to_string(options.endpoint) + " " + why +
              ". Either another program listens there, or " + token_words(options) +
              " is not the agent's (read it again with: nixtray-agent token, as root inside the distro). Nothing "
              "derived from the token was sent"};
}

// The TCP half: check the agent's proof, then prove ourselves. The hello result is updated.
asio::awaitable<std::optional<HandshakeFailure>> prove_token(RpcClient& client, const AgentHandshakeOptions& options,
                                                             std::string client_nonce, protocol::HelloResult& hello) {
  const auto& token = *options.token;
  if (!hello.nonce || !hello.proof || !crypto::is_nonce(*hello.nonce)) {
    co_return not_proven(options, "did not answer with a proof of the token");
  }
  if (!crypto::proof_matches(crypto::agent_proof(token, client_nonce, *hello.nonce), *hello.proof)) {
    co_return not_proven(options, "does not know the same token");
  }
  protocol::AuthParams params{crypto::client_proof(token, *hello.nonce, client_nonce)};
  auto authenticating = client.call<protocol::AuthMethod>(std::move(params), options.timeout);
  auto auth = co_await std::move(authenticating);
  if (!auth) {
    if (auth.error().is(protocol::ErrorCode::unauthorized)) {
      co_return HandshakeFailure{HandshakeProblem::unauthorized, "the agent proved it knows " + token_words(options) +
                                                                     " but did not accept this " + options.program +
                                                                     "'s proof (" + auth.error().message + ")"};
    }
    co_return describe_hello_failure(options.endpoint, auth.error(), options.program);
  }
  hello.authorized = auth->authorized;
  co_return std::nullopt;
}

}  // namespace

asio::awaitable<HandshakeOutcome> open_agent_session(AgentHandshakeOptions options) {
  const auto& endpoint = options.endpoint;
  const bool tcp = endpoint.kind == Endpoint::Kind::tcp;
  if (tcp && !options.token) {
    co_return HandshakeFailure{HandshakeProblem::token_missing,
                               "a TCP connection needs the agent's token: give --token-file PATH (or set token_file)"};
  }

  std::unique_ptr<ByteStream> stream;
  try {
    auto opening = open_stream(endpoint, options.timeout);
    stream = co_await std::move(opening);
  } catch (const std::system_error& e) {
    co_return describe_open_failure(endpoint, e.code(), e.what());
  } catch (const std::exception& e) {
    co_return HandshakeFailure{HandshakeProblem::transport_failed,
                               "cannot connect to " + to_string(endpoint) + ": " + e.what()};
  }

  auto client = std::make_shared<RpcClient>(std::move(stream), options.rpc);
  if (options.before_start) {
    options.before_start(client);
  }
  client->start();

  protocol::HelloParams params;
  params.client = options.client;
  std::string client_nonce;
  if (tcp) {
    client_nonce = crypto::new_nonce();
    params.nonce = client_nonce;
  }
  auto saying_hello = client->call<protocol::HelloMethod>(std::move(params), options.timeout);
  auto hello = co_await std::move(saying_hello);
  std::optional<HandshakeFailure> failure;
  if (!hello) {
    failure = describe_hello_failure(endpoint, hello.error(), options.program);
  } else if (hello->protocol != protocol::protocol_version) {
    failure = describe_protocol_mismatch(hello->protocol, hello->agent, options.program);
  } else if (tcp) {
    auto proving = prove_token(*client, options, std::move(client_nonce), hello.value());
    failure = co_await std::move(proving);
  }
  if (failure) {
    client->close();
    co_return std::move(*failure);
  }
  co_return AgentSession{std::move(client), std::move(hello.value())};
}

}  // namespace nixtray::net
