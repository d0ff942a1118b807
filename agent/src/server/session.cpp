#include "server/session.hpp"

#include "nixtray/protocol/hello.hpp"
#include "nixtray/protocol/wire_text.hpp"
#include "server/agent_server.hpp"
#include "server/token_store.hpp"
#include "support/logger.hpp"

namespace nixtray::agent {

using protocol::ErrorCode;
using protocol::json;
using protocol::RpcError;

Session::Session(std::shared_ptr<net::LineConnection> connection, PeerIdentity peer, AgentServer& server)
    : connection_(std::move(connection)), peer_(std::move(peer)), server_(server) {}

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
}

void Session::close() { connection_->close(); }

void Session::close_when_answered() {
  if (input_ended_ && in_flight_ == 0) {
    connection_->close_after_flush();
  }
}

bool Session::send_line(std::string line) { return connection_->send(std::move(line)); }

void Session::reply(const protocol::Response& response) {
  connection_->send(protocol::encode_compact(protocol::encode(response)));
}

void Session::reply_error_and_close(const json& id, RpcError error) {
  reply(protocol::make_error(id, std::move(error)));
  connection_->close_after_flush();
}

void Session::handle_line(std::string line) {
  if (!said_hello_ && protocol::looks_like_http(line)) {
    reply_error_and_close(nullptr, RpcError(ErrorCode::invalid_request,
                                            "this is the nixtray agent's JSON-RPC socket, not an HTTP server"));
    return;
  }
  auto parsed = protocol::parse_line(std::move(line));
  if (!parsed.value) {
    if (!said_hello_) {
      reply_error_and_close(nullptr, *parsed.error);
    } else {
      reply(protocol::make_error(nullptr, *parsed.error));
    }
    return;
  }
  auto classified = protocol::classify_message(*parsed.value);
  if (!classified.message) {
    if (!said_hello_) {
      reply_error_and_close(classified.id, *classified.error);
    } else {
      reply(protocol::make_error(classified.id, *classified.error));
    }
    return;
  }
  if (auto* request = std::get_if<protocol::Request>(&*classified.message)) {
    handle_request(std::move(*request));
    return;
  }
  // Clients send neither notifications nor responses; before hello that is a protocol error.
  if (!said_hello_) {
    reply_error_and_close(nullptr, RpcError(ErrorCode::invalid_request, "the first request must be hello"));
  }
}

void Session::handle_request(protocol::Request request) {
  if (request.method == protocol::HelloMethod::name) {
    if (said_hello_) {
      reply(protocol::make_error(request.id, RpcError(ErrorCode::invalid_request, "hello was already sent")));
      return;
    }
    protocol::HelloParams params;
    try {
      params = request.params.get<protocol::HelloParams>();
    } catch (const protocol::RpcException& e) {
      reply_error_and_close(request.id,
                            RpcError(ErrorCode::invalid_params, "invalid params for hello: " + e.error().message));
      return;
    } catch (const json::exception& e) {
      reply_error_and_close(request.id, RpcError(ErrorCode::invalid_params,
                                                 "invalid params for hello: " + protocol::readable_json_error(e)));
      return;
    }
    if (peer_.transport == Transport::tcp) {
      const auto& expected = server_.options().token;
      if (!expected || !params.token || !TokenStore::matches(*expected, *params.token)) {
        log(LogLevel::warning, "refused " + peer_.describe() + ": missing or wrong token");
        reply_error_and_close(
            request.id,
            RpcError(ErrorCode::unauthorized, "missing or wrong token (read it with: nixtray-agent token, as root)"));
        return;
      }
      peer_.authorized = true;
    }
    said_hello_ = true;
    protocol::HelloResult result;
    result.agent = server_.options().agent_version;
    result.authorized = peer_.authorized;
    result.methods.emplace_back(protocol::HelloMethod::name);
    for (auto& name : server_.methods().names()) {
      result.methods.push_back(std::move(name));
    }
    reply(protocol::make_result(request.id, result));
    return;
  }
  if (!said_hello_) {
    reply_error_and_close(request.id, RpcError(ErrorCode::invalid_request, "the first request must be hello"));
    return;
  }
  const auto* entry = server_.methods().find(request.method);
  if (!entry) {
    reply(protocol::make_error(request.id,
                               RpcError(ErrorCode::method_not_found, "unknown method \"" + request.method + "\"")));
    return;
  }
  if (entry->mutating && !peer_.authorized) {
    reply(protocol::make_error(
        request.id,
        RpcError(ErrorCode::unauthorized,
                 request.method + " changes the system: only root or members of the agent's group may call it")));
    return;
  }
  auto self = shared_from_this();
  ++in_flight_;
  net::asio::co_spawn(
      connection_->get_executor(),
      [self, entry, request = std::move(request)]() -> net::asio::awaitable<void> {
        protocol::Response response;
        try {
          // GCC 12 destroys temporaries of a co_await expression twice (PR 99576): build the
          // awaitable in its own statement.
          auto call = entry->handler(CallContext{self->peer_, self}, request.params);
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
        self->reply(response);
        --self->in_flight_;
        self->close_when_answered();
      },
      net::asio::detached);
}

}  // namespace nixtray::agent
