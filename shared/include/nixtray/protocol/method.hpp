// How a method is described once and used by both sides: its wire name, its params and result
// types, whether it changes the system, and whether what it reads is confidential (logs, which may
// hold secrets). Only authorized peers may call the mutating and the confidential ones.
#pragma once

#include "nixtray/protocol/error_code.hpp"
#include "nixtray/protocol/json.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nixtray::protocol {

// Params of a method that takes none. Any object is accepted.
struct NoParams {};
inline void to_json(json& j, const NoParams&) { j = json::object(); }
inline void from_json(const json&, NoParams&) {}

// Range checks of params: a clear invalid_params error naming the field.
inline void require_in_range(long long value, long long low, long long high, std::string_view field) {
  if (value < low || value > high) {
    throw RpcException(ErrorCode::invalid_params, std::string(field) + " must be between " + std::to_string(low) +
                                                      " and " + std::to_string(high) + ", got " +
                                                      std::to_string(value));
  }
}

// A generation number in params or on a command line: the one bound every side checks.
inline constexpr long long max_generation_number = 1'000'000'000;
inline void require_generation_number(long long value, std::string_view field) {
  require_in_range(value, 1, max_generation_number, field);
}

// Texts from clients are bounded (the agent keeps them in records and specs): a clear
// invalid_params error naming the field.
inline void require_at_most_bytes(const std::optional<std::string>& text, std::string_view field, std::size_t limit) {
  if (text && text->size() > limit) {
    throw RpcException(ErrorCode::invalid_params, std::string(field) + " must be at most " + std::to_string(limit) +
                                                      " bytes, got " + std::to_string(text->size()));
  }
}

// A method is a type with: name, Params, Result, mutating. Example:
//   struct StatusMethod { static constexpr std::string_view name = "status"; ... };
template <class M>
concept MethodDescription = requires {
  { M::name } -> std::convertible_to<std::string_view>;
  { M::mutating } -> std::convertible_to<bool>;
  typename M::Params;
  typename M::Result;
};

// A description may say `static constexpr bool confidential = true;`; without it, it is not.
template <MethodDescription M>
constexpr bool is_confidential() {
  if constexpr (requires { M::confidential; }) {
    return M::confidential;
  } else {
    return false;
  }
}

// Only authorized peers (docs/protocol.md §3) may call it: it changes the system or reads logs.
template <MethodDescription M>
constexpr bool needs_authorization() {
  return M::mutating || is_confidential<M>();
}

}  // namespace nixtray::protocol
