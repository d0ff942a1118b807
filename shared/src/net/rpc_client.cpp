#include "nixtray/net/rpc_client.hpp"

#include "nixtray/protocol/wire_text.hpp"

namespace nixtray::net {

using protocol::json;

struct RpcClient::PendingCall {
  explicit PendingCall(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  std::optional<protocol::Response> response;
  bool takes_payload = false;
};

RpcClient::RpcClient(std::unique_ptr<ByteStream> stream, RpcClientOptions options)
    : connection_(std::make_shared<LineConnection>(std::move(stream), options.limits)), options_(options) {}

RpcClient::~RpcClient() { connection_->close(); }

void RpcClient::start() {
  std::weak_ptr<RpcClient> weak = shared_from_this();
  connection_->start(
      [weak](std::string line) {
        if (auto self = weak.lock()) {
          self->handle_line(std::move(line));
        }
      },
      [weak](CloseReason reason) {
        auto self = weak.lock();
        if (!self) {
          return;
        }
        self->closed_reason_ = reason;
        for (auto& [id, pending] : self->pending_) {
          pending->timer.cancel();
        }
        if (self->on_close_) {
          self->on_close_(reason);
        }
      });
}

void RpcClient::close() { connection_->close(); }

void RpcClient::handle_line(std::string line) {
  auto parsed = protocol::parse_line(std::move(line));
  if (!parsed.value) {
    return;  // the agent never sends malformed lines; nothing to correlate it with
  }
  auto classified = protocol::classify_message(*parsed.value);
  if (!classified.message) {
    return;
  }
  if (auto* response = std::get_if<protocol::Response>(&*classified.message)) {
    if (!response->id.is_number_integer()) {
      return;
    }
    const auto it = pending_.find(response->id.get<std::int64_t>());
    if (it == pending_.end()) {
      return;
    }
    auto pending = it->second;
    const auto& result = response->result;
    if (pending->takes_payload && result && result->is_object() && result->contains("bytes") &&
        (*result)["bytes"].is_number_unsigned()) {
      // The call is answered when its payload has arrived, not with the line announcing it.
      const auto bytes = (*result)["bytes"].get<std::size_t>();
      connection_->expect_payload(bytes, [pending, answer = std::move(*response)](std::string payload) mutable {
        (*answer.result)["text"] = std::move(payload);
        pending->response = std::move(answer);
        pending->timer.cancel();
      });
      return;
    }
    pending->response = std::move(*response);
    pending->timer.cancel();
  } else if (auto* notification = std::get_if<protocol::Notification>(&*classified.message)) {
    if (notification->method == protocol::event_method && on_event_) {
      try {
        on_event_(notification->params.get<protocol::Event>());
      } catch (const json::exception&) {
        // An event without topic/data is ignored rather than tearing the connection down.
      }
    }
  }
}

asio::awaitable<protocol::Outcome<json>> RpcClient::call(std::string method, json params,
                                                         std::chrono::milliseconds timeout) {
  return call(std::move(method), std::move(params), timeout, false);
}

asio::awaitable<protocol::Outcome<json>> RpcClient::call_with_payload(std::string method, json params,
                                                                      std::chrono::milliseconds timeout) {
  return call(std::move(method), std::move(params), timeout, true);
}

asio::awaitable<protocol::Outcome<json>> RpcClient::call(std::string method, json params,
                                                         std::chrono::milliseconds timeout, bool takes_payload) {
  auto self = shared_from_this();
  if (!connection_->is_open()) {
    co_return protocol::local_error(
        protocol::LocalErrorCode::disconnected,
        "not connected (" + std::string(describe(closed_reason_.value_or(CloseReason::closed_locally))) + ")");
  }
  const auto id = next_id_++;
  auto pending = std::make_shared<PendingCall>(connection_->get_executor());
  pending->takes_payload = takes_payload;
  pending_.emplace(id, pending);
  connection_->send(protocol::encode_compact(protocol::encode(protocol::Request{id, method, std::move(params)})));
  pending->timer.expires_after(timeout.count() > 0 ? timeout : options_.call_timeout);
  if (connection_->is_open()) {
    co_await pending->timer.async_wait(use_nothrow);
  }
  pending_.erase(id);

  if (pending->response) {
    if (pending->response->error) {
      co_return *pending->response->error;
    }
    co_return std::move(*pending->response->result);
  }
  if (!connection_->is_open()) {
    co_return protocol::local_error(protocol::LocalErrorCode::disconnected,
                                    "connection lost during " + method + " (" +
                                        std::string(describe(closed_reason_.value_or(CloseReason::closed_locally))) +
                                        ")");
  }
  co_return protocol::local_error(protocol::LocalErrorCode::timeout, "no answer to " + method + " in time");
}

}  // namespace nixtray::net
