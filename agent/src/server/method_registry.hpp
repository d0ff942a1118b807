// The table of methods the agent answers: name -> handler, with the method's `mutating` and
// `confidential` flags from its protocol description (both need an authorized peer). Params are
// decoded here, once, into the typed struct.
#pragma once

#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/method.hpp"
#include "server/peer.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nixtray::agent {

class Session;

// What a handler knows about the call.
struct CallContext {
  const PeerIdentity& peer;
  std::shared_ptr<Session> session;
  // Bytes to send as they are right after the result's line (jobs.log's bytes form); the result
  // says how many. Sent only with a result, never with an error.
  std::string* payload = nullptr;
};

class MethodRegistry {
 public:
  using RawHandler = std::function<net::asio::awaitable<protocol::json>(CallContext, protocol::json params)>;
  // A result that is already encoded (compact JSON), shared by every caller until it changes;
  // answered at once, without a coroutine or a JSON value per request.
  using EncodedHandler = std::function<std::shared_ptr<const std::string>(const protocol::json& params)>;
  struct Entry {
    bool mutating = false;
    bool confidential = false;
    RawHandler handler;
    EncodedHandler encoded;  // when set, used instead of `handler`
  };

  // handler: awaitable<M::Result>(CallContext, M::Params)
  template <protocol::MethodDescription M, class Handler>
  void add(Handler handler) {
    entries_[std::string(M::name)] =
        Entry{M::mutating, protocol::is_confidential<M>(),
              [handler = std::move(handler)](CallContext context,
                                             protocol::json params) -> net::asio::awaitable<protocol::json> {
                auto typed = decode_params<typename M::Params>(params, M::name);
                auto call = handler(std::move(context), std::move(typed));  // see Session: no temporaries in co_await
                co_return protocol::json(co_await std::move(call));
              }};
  }

  // handler: std::shared_ptr<const std::string>(M::Params), the encoded M::Result.
  template <protocol::MethodDescription M, class Handler>
  void add_encoded(Handler handler) {
    entries_[std::string(M::name)] = Entry{M::mutating, protocol::is_confidential<M>(), nullptr,
                                           [handler = std::move(handler)](const protocol::json& params) {
                                             return handler(decode_params<typename M::Params>(params, M::name));
                                           }};
  }

  // Params of `method` decoded into their type; an RpcException (-32602) naming the method and the
  // param otherwise.
  template <class Params>
  static Params decode_params(const protocol::json& params, std::string_view method) {
    try {
      return params.get<Params>();
    } catch (const protocol::RpcException& e) {
      throw protocol::RpcException(protocol::ErrorCode::invalid_params,
                                   "invalid params for " + std::string(method) + ": " + e.error().message);
    } catch (const protocol::json::exception& e) {
      throw protocol::RpcException(protocol::ErrorCode::invalid_params, "invalid params for " + std::string(method) +
                                                                            ": " + protocol::readable_json_error(e));
    }
  }

  [[nodiscard]] const Entry* find(std::string_view name) const;
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace nixtray::agent
