// The result of a call: a value or an RpcError. Expected failures are values, not exceptions.
#pragma once

#include "nixtray/protocol/error_code.hpp"
#include "nixtray/protocol/json.hpp"
#include "nixtray/protocol/value_or_error.hpp"

#include <utility>
#include <variant>

namespace nixtray::protocol {

// Codes produced by a client itself, never sent on the wire (JSON-RPC's implementation range).
enum class LocalErrorCode : int {
  timeout = -32090,       // no answer within the call's deadline
  disconnected = -32091,  // the connection closed before the answer
  bad_response = -32092,  // the answer did not match the documented result shape
};
inline RpcError local_error(LocalErrorCode code, std::string message) {
  RpcError error;
  error.code = static_cast<int>(code);
  error.message = std::move(message);
  return error;
}

template <class T>
using Outcome = ValueOrError<T, RpcError>;

template <class T>
Outcome<T> decode_outcome(Outcome<json> raw) {
  if (!raw) {
    return raw.error();
  }
  try {
    return raw.value().template get<T>();
  } catch (const std::exception& e) {
    return local_error(LocalErrorCode::bad_response, std::string("unexpected result: ") + e.what());
  }
}

}  // namespace nixtray::protocol
