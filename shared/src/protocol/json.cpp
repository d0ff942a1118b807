#include "nixtray/protocol/json.hpp"

#include "nixtray/protocol/error_code.hpp"

namespace nixtray::protocol {

std::string encode_compact(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

void throw_field_error(const char* key, const std::string& problem) {
  throw RpcException(ErrorCode::invalid_params, std::string("\"") + key + "\" " + problem);
}

std::string readable_json_error(const json::exception& error) {
  // nlohmann prefixes "[json.exception.type_error.302] "; the rest is what a person needs.
  std::string text = error.what();
  if (const auto end = text.find("] "); text.starts_with("[json.exception") && end != std::string::npos) {
    text.erase(0, end + 2);
  }
  return text;
}

}  // namespace nixtray::protocol
