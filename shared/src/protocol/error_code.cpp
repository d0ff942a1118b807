#include "nixtray/protocol/error_code.hpp"

namespace nixtray::protocol {

std::string_view default_message(ErrorCode code) {
  switch (code) {
    case ErrorCode::parse_error:
      return "parse error";
    case ErrorCode::invalid_request:
      return "invalid request";
    case ErrorCode::method_not_found:
      return "method not found";
    case ErrorCode::invalid_params:
      return "invalid params";
    case ErrorCode::internal_error:
      return "internal error";
    case ErrorCode::unauthorized:
      return "unauthorized";
    case ErrorCode::busy:
      return "busy";
    case ErrorCode::not_found:
      return "not found";
    case ErrorCode::message_too_large:
      return "message too large";
    case ErrorCode::refused:
      return "refused";
    case ErrorCode::too_many_requests:
      return "too many requests";
  }
  return "error";
}

void to_json(json& j, const RpcError& e) {
  j = json{{"code", e.code}, {"message", e.message}};
  if (!e.data.is_null()) {
    j["data"] = e.data;
  }
}

void from_json(const json& j, RpcError& e) {
  read_required(j, "code", e.code);
  read_required(j, "message", e.message);
  const auto it = j.find("data");
  e.data = it == j.end() ? json(nullptr) : *it;
}

}  // namespace nixtray::protocol
