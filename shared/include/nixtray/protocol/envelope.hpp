// JSON-RPC 2.0 envelopes: request, response, notification (docs/protocol.md, "Framing").
// Each message travels as one line of compact UTF-8 JSON terminated by '\n'.
#pragma once

#include "nixtray/protocol/error_code.hpp"
#include "nixtray/protocol/json.hpp"

#include <optional>
#include <string>
#include <variant>

namespace nixtray::protocol {

struct Request {
  json id;  // number or string, echoed in the response
  std::string method;
  json params = json::object();
};

struct Response {
  json id;
  std::optional<json> result;
  std::optional<RpcError> error;  // exactly one of result and error is set
};

// A request without id. Agents send events this way; clients do not send any.
struct Notification {
  std::string method;
  json params = json::object();
};

using Message = std::variant<Request, Response, Notification>;

// Classifies a parsed JSON value. Batches and malformed envelopes give an invalid_request error.
struct ClassifiedMessage {
  std::optional<Message> message;
  std::optional<RpcError> error;
  json id;  // the id, when one could be read, so the error response can carry it
};
ClassifiedMessage classify_message(const json& value);

json encode(const Request& request);
json encode(const Response& response);
json encode(const Notification& notification);

Response make_result(json id, json result);
Response make_error(json id, RpcError error);

}  // namespace nixtray::protocol
