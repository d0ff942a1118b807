#include "core/link/action_result.hpp"

namespace nixtray::tray {

std::string_view to_string(ActionErrorKind kind) {
  switch (kind) {
    case ActionErrorKind::not_connected:
      return "not-connected";
    case ActionErrorKind::not_supported:
      return "not-supported";
    case ActionErrorKind::unauthorized:
      return "unauthorized";
    case ActionErrorKind::busy:
      return "busy";
    case ActionErrorKind::not_found:
      return "not-found";
    case ActionErrorKind::refused:
      return "refused";
    case ActionErrorKind::invalid:
      return "invalid";
    case ActionErrorKind::timeout:
      return "timeout";
    case ActionErrorKind::disconnected:
      return "disconnected";
    case ActionErrorKind::failed:
      return "failed";
  }
  return "failed";
}

ActionError classify_rpc_error(const protocol::RpcError& error, std::string_view method) {
  using protocol::ErrorCode;
  using protocol::LocalErrorCode;
  ActionError result;
  result.code = error.code;
  result.message = error.message;
  result.data = error.data;
  if (error.is(ErrorCode::method_not_found)) {
    result.kind = ActionErrorKind::not_supported;
    result.message = "not supported by this agent: it does not implement " + std::string(method) +
                     " yet (update nixtray-agent in the distro)";
  } else if (error.is(ErrorCode::unauthorized)) {
    result.kind = ActionErrorKind::unauthorized;
  } else if (error.is(ErrorCode::busy)) {
    result.kind = ActionErrorKind::busy;
  } else if (error.is(ErrorCode::not_found)) {
    result.kind = ActionErrorKind::not_found;
  } else if (error.is(ErrorCode::refused)) {
    result.kind = ActionErrorKind::refused;
  } else if (error.is(ErrorCode::invalid_params) || error.is(ErrorCode::invalid_request)) {
    result.kind = ActionErrorKind::invalid;
  } else if (error.code == static_cast<int>(LocalErrorCode::timeout)) {
    result.kind = ActionErrorKind::timeout;
  } else if (error.code == static_cast<int>(LocalErrorCode::disconnected)) {
    result.kind = ActionErrorKind::disconnected;
  } else {
    result.kind = ActionErrorKind::failed;
  }
  return result;
}

}  // namespace nixtray::tray
