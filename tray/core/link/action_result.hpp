// The outcome of an action the user asked for (rebuild, rollback, mark good, ...): a value, or an
// error classified so the UI can explain it ("not supported by this agent", "busy", ...).
#pragma once

#include "nixtray/protocol/outcome.hpp"
#include "nixtray/protocol/value_or_error.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace nixtray::tray {

enum class ActionErrorKind {
  not_connected,  // no connection to the agent right now
  not_supported,  // this agent does not implement the method (-32601)
  unauthorized,   // read-only connection (-32001)
  busy,           // another job runs (-32002); data.job names it
  not_found,      // no such job, generation, unit (-32003)
  refused,        // refused in the current state (-32005)
  invalid,        // bad params (-32602) or a bad request
  timeout,        // no answer in time
  disconnected,   // the connection ended before the answer
  failed,         // anything else (-32603, bad response)
};
std::string_view to_string(ActionErrorKind kind);

struct ActionError {
  ActionErrorKind kind = ActionErrorKind::failed;
  std::string message;
  int code = 0;  // the JSON-RPC code, or a local one
  protocol::json data;
};

ActionError classify_rpc_error(const protocol::RpcError& error, std::string_view method);

template <class T>
using ActionResult = ValueOrError<T, ActionError>;

template <class T>
ActionResult<T> to_action_result(protocol::Outcome<T> outcome, std::string_view method) {
  if (!outcome) {
    return classify_rpc_error(outcome.error(), method);
  }
  return std::move(outcome.value());
}

template <class T>
using Reply = std::function<void(ActionResult<T>)>;

}  // namespace nixtray::tray
