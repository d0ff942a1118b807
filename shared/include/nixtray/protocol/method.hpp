// How a method is described once and used by both sides: its wire name, its params and result
// types, and whether it changes the system (only authorized peers may call those).
#pragma once

#include "nixtray/protocol/error_code.hpp"
#include "nixtray/protocol/json.hpp"

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

// A method is a type with: name, Params, Result, mutating. Example:
//   struct StatusMethod { static constexpr std::string_view name = "status"; ... };
template <class M>
concept MethodDescription = requires {
  { M::name } -> std::convertible_to<std::string_view>;
  { M::mutating } -> std::convertible_to<bool>;
  typename M::Params;
  typename M::Result;
};

}  // namespace nixtray::protocol
