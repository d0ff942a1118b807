#include "server/session.hpp"

#include "nixtray/crypto/token_proof.hpp"
#include "nixtray/protocol/hello.hpp"
#include "nixtray/protocol/wire_text.hpp"
#include "server/agent_server.hpp"
#include "support/logger.hpp"

#include <algorithm>

namespace nixtray::agent {

using protocol::ErrorCode;
using protocol::json;
using protocol::RpcError;

namespace {

constexpr int tcp_protocol_version = 2;  // the first with the challenge-response (§3.2)

}  // namespace

Session::Session(std::shared_ptr<net::LineConnection> connection, PeerIdentity peer, AgentServer& server)
    : connection_(std::move(connection)),
      peer_(std::move(peer)),
      server_(server),
      handshake_deadline_(connection_->get_executor()) {}

void Session::start() {
  std::weak_ptr<Session> weak = shared_from_this();
  connection_->on_end_of_input([weak] {
    if (auto self = weak.lock()) {
      self->input_ended_ = true;
      self->close_when_answered();
    }
  });
  connection_->start(
      [weak](std::string line) {
        if (auto self = weak.lock()) {
          self->handle_line(std::move(line));
        }
      },
      [weak](net::CloseReason reason) {
        if (auto self = weak.lock()) {
          if (reason != net::CloseReason::peer_closed && reason != net::CloseReason::closed_locally) {
            log(LogLevel::notice, "dropped client " + self->peer_.describe() + ": " + std::string(describe(reason)));
          }
          self->handshake_deadline_.cancel();
          self->server_.forget(self);
        }
      },
      [weak] {
        if (auto self = weak.lock()) {
          self->reply_error_and_close(
              nullptr, RpcError(ErrorCode::message_too_large,
                                "message larger than " + std::to_string(self->connection_->limits().max_line_bytes) +
                                    " bytes; closing the connection"));
        }
      });
  // hello must come within the first-line deadline (LineConnection's); on TCP the whole handshake,
  // auth included, within the same time from connecting.
  const auto deadline = server_.options().limits.first_line_timeout;
  if (peer_.transport == Transport::tcp && deadline.count() > 0) {
    handshake_deadline_.expires_after(deadline);
    handshake_deadline_.async_wait([weak](const net::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self && self->in_handshake()) {
        self->connection_->close(net::CloseReason::handshake_timeout);
      }
    });
  }
}

void Session::close(net::CloseReason reason) { connection_->close(reason); }

void Session::close_when_answered() {
  if (input_ended_ && in_flight_ == 0) {
    connection_->close_after_flush();
  }
}

bool Session::send_line(std::string line) { return connection_->send(std::move(line)); }

void Session::reply(const protocol::Response& response, std::string payload) {
  auto line = protocol::encode_compact(protocol::encode(response));
  if (response.result && !payload.empty()) {
    connection_->send(std::move(line), std::move(payload));
  } else {
    connection_->send(std::move(line));
  }
}

void Session::reply_encoded(const json& id, std::string_view encoded_result) {
  // What encode_compact(encode(make_result(id, result))) writes: the members in nlohmann's order.
  constexpr std::string_view head = R"({"id":)";
  constexpr std::string_view middle = R"(,"jsonrpc":"2.0","result":)";
  const auto encoded_id = protocol::encode_compact(id);
  std::string line;
  line.reserve(head.size() + encoded_id.size() + middle.size() + encoded_result.size() + 2);  // '}' and '\n'
  line.append(head).append(encoded_id).append(middle).append(encoded_result).push_back('}');
  connection_->send(std::move(line));
}

void Session::reply_error(const json& id, RpcError error) {
  if (in_handshake()) {
    reply_error_and_close(id, std::move(error));
  } else {
    reply(protocol::make_error(id, std::move(error)));
  }
}

void Session::reply_error_and_close(const json& id, RpcError error) {
  reply(protocol::make_error(id, std::move(error)));
  connection_->close_after_flush();
}

void Session::handle_line(std::string line) {
  if (stage_ == Stage::hello && protocol::looks_like_http(line)) {
    reply_error_and_close(nullptr, RpcError(ErrorCode::invalid_request,
                                            "this is the nixtray agent's JSON-RPC socket, not an HTTP server"));
    return;
  }
  auto parsed = protocol::parse_line(std::move(line));
  if (!parsed.value) {
    reply_error(nullptr, *parsed.error);
    return;
  }
  auto classified = protocol::classify_message(*parsed.value);
  if (!classified.message) {
    reply_error(classified.id, *classified.error);
    return;
  }
  if (auto* request = std::get_if<protocol::Request>(&*classified.message)) {
    handle_request(std::move(*request));
    return;
  }
  // Clients send neither notifications nor responses; during the handshake that is an error.
  if (stage_ == Stage::hello) {
    reply_error_and_close(nullptr, RpcError(ErrorCode::invalid_request, "the first request must be hello"));
  } else if (stage_ == Stage::auth) {
    reply_error_and_close(nullptr, RpcError(ErrorCode::invalid_request, "the request after hello must be auth"));
  }
}

void Session::handle_request(protocol::Request request) {
  if (request.method == protocol::HelloMethod::name) {
    handle_hello(std::move(request));
  } else if (request.method == protocol::AuthMethod::name) {
    handle_auth(std::move(request));
  } else if (stage_ == Stage::hello) {
    reply_error_and_close(request.id, RpcError(ErrorCode::invalid_request, "the first request must be hello"));
  } else if (stage_ == Stage::auth) {
    reply_error_and_close(request.id, RpcError(ErrorCode::unauthorized,
                                               "authenticate first: on TCP the request after hello must be auth"));
  } else {
    dispatch(std::move(request));
  }
}

void Session::handle_hello(protocol::Request request) {
  if (stage_ != Stage::hello) {
    reply_error(request.id, RpcError(ErrorCode::invalid_request, "hello was already sent"));
    return;
  }
  protocol::HelloParams params;
  try {
    params = MethodRegistry::decode_params<protocol::HelloParams>(request.params, protocol::HelloMethod::name);
  } catch (const protocol::RpcException& e) {
    reply_error_and_close(request.id, e.error());
    return;
  }
  protocol::HelloResult result;
  // A client of an older version is answered in its version; a newer one learns ours.
  result.protocol = std::min(params.protocol, protocol::protocol_version);
  result.agent = server_.options().agent_version;
  result.methods = {std::string(protocol::HelloMethod::name), std::string(protocol::AuthMethod::name)};
  for (auto& name : server_.methods().names()) {
    result.methods.push_back(std::move(name));
  }
  if (peer_.transport == Transport::tcp) {
    if (params.protocol < tcp_protocol_version) {
      reply_error_and_close(
          request.id,
          RpcError(ErrorCode::invalid_request,
                   "protocol " + std::to_string(params.protocol) +
                       " sends the token itself, which this agent no longer accepts over TCP: TCP needs protocol " +
                       std::to_string(tcp_protocol_version) + "'s challenge-response (update the client)",
                   json{{"protocol", protocol::protocol_version}}));
      return;
    }
    if (!params.nonce || !crypto::is_nonce(*params.nonce)) {
      reply_error_and_close(request.id,
                            RpcError(ErrorCode::invalid_params,
                                     "invalid params for hello: nonce is required on TCP and must be 64 lowercase "
                                     "hexadecimal characters (32 random bytes)"));
      return;
    }
    const auto& token = server_.options().token;
    if (!token) {
      reply_error_and_close(request.id, RpcError(ErrorCode::internal_error, "the agent has no token for TCP"));
      return;
    }
    client_nonce_ = *params.nonce;
    agent_nonce_ = server_.options().new_nonce();
    result.nonce = agent_nonce_;
    result.proof = crypto::agent_proof(*token, client_nonce_, agent_nonce_);
    result.authorized = false;
    stage_ = Stage::auth;
    reply(protocol::make_result(request.id, result));
    return;
  }
  become_ready();
  result.authorized = peer_.authorized;
  reply(protocol::make_result(request.id, result));
}

void Session::handle_auth(protocol::Request request) {
  if (stage_ == Stage::hello) {
    reply_error_and_close(request.id, RpcError(ErrorCode::invalid_request, "the first request must be hello"));
    return;
  }
  if (stage_ == Stage::ready) {
    reply(protocol::make_error(
        request.id, RpcError(ErrorCode::invalid_request, peer_.transport == Transport::tcp
                                                             ? "auth was already passed on this connection"
                                                             : "auth belongs to the TCP handshake; this connection "
                                                               "needs none")));
    return;
  }
  protocol::AuthParams params;
  try {
    params = MethodRegistry::decode_params<protocol::AuthParams>(request.params, protocol::AuthMethod::name);
  } catch (const protocol::RpcException& e) {
    reply_error_and_close(request.id, e.error());
    return;
  }
  const auto expected = crypto::client_proof(*server_.options().token, agent_nonce_, client_nonce_);
  if (!crypto::proof_matches(expected, params.proof)) {
    log(LogLevel::warning, "refused " + peer_.describe() + ": its proof of the token does not match");
    reply_error_and_close(request.id, RpcError(ErrorCode::unauthorized,
                                               "the proof does not match the agent's token (read the token again with: "
                                               "nixtray-agent token, as root)"));
    return;
  }
  peer_.authorized = true;
  become_ready();
  reply(protocol::make_result(request.id, protocol::AuthResult{true}));
}

void Session::become_ready() {
  stage_ = Stage::ready;
  client_nonce_.clear();
  agent_nonce_.clear();
  handshake_deadline_.cancel();
  connection_->set_max_line_bytes(server_.options().limits.max_line_bytes);
  server_.handshake_finished(*this);
}

void Session::dispatch(protocol::Request request) {
  const auto* entry = server_.methods().find(request.method);
  if (!entry) {
    reply(protocol::make_error(request.id,
                               RpcError(ErrorCode::method_not_found, "unknown method \"" + request.method + "\"")));
    return;
  }
  if ((entry->mutating || entry->confidential) && !peer_.authorized) {
    reply(protocol::make_error(
        request.id,
        RpcError(ErrorCode::unauthorized,
                 request.method + (entry->mutating ? " changes the system" : " reads logs, which may hold secrets") +
                     ": only root or members of the agent's group may call it")));
    return;
  }
  const int limit = server_.options().max_in_flight;
  if (in_flight_ >= limit) {
    reply(protocol::make_error(
        request.id, RpcError(ErrorCode::too_many_requests,
                             std::to_string(limit) +
                                 " requests of this connection are still being answered: wait for their answers "
                                 "before sending more",
                             json{{"limit", limit}})));
    return;
  }
  if (entry->encoded) {
    try {
      const auto result = entry->encoded(request.params);
      reply_encoded(request.id, *result);
    } catch (const protocol::RpcException& e) {
      reply(protocol::make_error(request.id, e.error()));
    } catch (const std::exception& e) {
      log_error(request.method + " failed: " + e.what());
      reply(protocol::make_error(request.id, RpcError(ErrorCode::internal_error, e.what())));
    }
    return;
  }
  auto self = shared_from_this();
  ++in_flight_;
  net::asio::co_spawn(
      connection_->get_executor(),
      [self, entry, request = std::move(request)]() -> net::asio::awaitable<void> {
        protocol::Response response;
        std::string payload;
        try {
          // GCC 12 destroys temporaries of a co_await expression twice (PR 99576): build the
          // awaitable in its own statement.
          auto call = entry->handler(CallContext{self->peer_, self, &payload}, request.params);
          auto result = co_await std::move(call);
          response = protocol::make_result(request.id, std::move(result));
        } catch (const protocol::RpcException& e) {
          response = protocol::make_error(request.id, e.error());
        } catch (const json::exception& e) {
          response = protocol::make_error(request.id, RpcError(ErrorCode::internal_error, e.what()));
        } catch (const std::exception& e) {
          log_error(request.method + " failed: " + e.what());
          response = protocol::make_error(request.id, RpcError(ErrorCode::internal_error, e.what()));
        }
        self->reply(response, std::move(payload));
        --self->in_flight_;
        self->close_when_answered();
      },
      net::asio::detached);
}

}  // namespace nixtray::agent
