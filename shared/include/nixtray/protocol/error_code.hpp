// JSON-RPC error codes of the nixtray protocol (docs/protocol.md, "Errors").
#pragma once

#include "nixtray/protocol/json.hpp"

#include <optional>
#include <stdexcept>
#include <string>

namespace nixtray::protocol {

enum class ErrorCode : int {
  parse_error = -32700,       // not JSON, nested too deep
  invalid_request = -32600,   // not a request object (batches too), or no hello first
  method_not_found = -32601,  // unknown method, or one this agent does not implement yet
  invalid_params = -32602,    // missing, mistyped or out-of-range params
  internal_error = -32603,
  unauthorized = -32001,       // peer may not call this method, or failed the TCP handshake
  busy = -32002,               // a mutating job already runs (data.job names it)
  not_found = -32003,          // no such job, generation, unit
  message_too_large = -32004,  // the line exceeded the size limit; the connection closes
  refused = -32005,            // understood but refused now (cancel during activation, disk full)
  too_many_requests = -32006,  // the connection has the most requests in flight it may have
};

std::string_view default_message(ErrorCode code);

// The error member of a JSON-RPC response.
struct RpcError {
  int code = static_cast<int>(ErrorCode::internal_error);
  std::string message;
  json data;  // null when absent

  RpcError() = default;
  RpcError(ErrorCode c, std::string msg, json extra = nullptr)
      : code(static_cast<int>(c)), message(std::move(msg)), data(std::move(extra)) {}

  [[nodiscard]] bool is(ErrorCode c) const { return code == static_cast<int>(c); }
};
void to_json(json& j, const RpcError& e);
void from_json(const json& j, RpcError& e);

// Thrown by method handlers; the server turns it into an error response.
class RpcException : public std::runtime_error {
 public:
  explicit RpcException(RpcError error) : std::runtime_error(error.message), error_(std::move(error)) {}
  RpcException(ErrorCode code, std::string message, json data = nullptr)
      : RpcException(RpcError(code, std::move(message), std::move(data))) {}
  [[nodiscard]] const RpcError& error() const { return error_; }

 private:
  RpcError error_;
};

}  // namespace nixtray::protocol
