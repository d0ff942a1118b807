#include "nixtray/protocol/envelope.hpp"

namespace nixtray::protocol {
namespace {

bool is_valid_id(const json& id) { return id.is_number_integer() || id.is_string(); }

ClassifiedMessage invalid(std::string why, json id = nullptr) {
  return {std::nullopt, RpcError(ErrorCode::invalid_request, std::move(why)), std::move(id)};
}

}  // namespace

ClassifiedMessage classify_message(const json& value) {
  if (value.is_array()) {
    return invalid("batches are not supported: send one request per line");
  }
  if (!value.is_object()) {
    return invalid("a message must be a JSON object");
  }
  const auto version = value.find("jsonrpc");
  if (version == value.end() || *version != "2.0") {
    return invalid(R"(missing "jsonrpc":"2.0")");
  }
  const auto id = value.find("id");
  json id_value = id == value.end() ? json(nullptr) : *id;
  if (id != value.end() && !id->is_null() && !is_valid_id(*id)) {
    return invalid("id must be an integer or a string");
  }

  const auto method = value.find("method");
  if (method != value.end()) {
    if (!method->is_string()) {
      return invalid("method must be a string", id_value);
    }
    json params = json::object();
    if (const auto p = value.find("params"); p != value.end() && !p->is_null()) {
      if (!p->is_object()) {
        return invalid("params must be an object", id_value);
      }
      params = *p;
    }
    if (id == value.end() || id->is_null()) {
      return {Notification{method->get<std::string>(), std::move(params)}, std::nullopt, nullptr};
    }
    return {Request{id_value, method->get<std::string>(), std::move(params)}, std::nullopt, id_value};
  }

  const auto result = value.find("result");
  const auto error = value.find("error");
  if ((result == value.end()) == (error == value.end())) {
    return invalid("a response has exactly one of result and error", id_value);
  }
  Response response{id_value, std::nullopt, std::nullopt};
  if (result != value.end()) {
    response.result = *result;
  } else {
    try {
      response.error = error->get<RpcError>();
    } catch (const json::exception& e) {
      return invalid(std::string("malformed error object: ") + e.what(), id_value);
    } catch (const RpcException& e) {
      // from_json(RpcError) reports a missing or mistyped field this way ("message" is required).
      return invalid("malformed error object: " + e.error().message, id_value);
    }
  }
  return {std::move(response), std::nullopt, id_value};
}

json encode(const Request& request) {
  json j{{"jsonrpc", "2.0"}, {"id", request.id}, {"method", request.method}};
  if (!request.params.is_null() && !request.params.empty()) {
    j["params"] = request.params;
  }
  return j;
}

json encode(const Response& response) {
  json j{{"jsonrpc", "2.0"}, {"id", response.id}};
  if (response.error) {
    j["error"] = *response.error;
  } else {
    j["result"] = response.result.value_or(json(nullptr));
  }
  return j;
}

json encode(const Notification& notification) {
  return json{{"jsonrpc", "2.0"}, {"method", notification.method}, {"params", notification.params}};
}

Response make_result(json id, json result) { return Response{std::move(id), std::move(result), std::nullopt}; }

Response make_error(json id, RpcError error) { return Response{std::move(id), std::nullopt, std::move(error)}; }

}  // namespace nixtray::protocol
