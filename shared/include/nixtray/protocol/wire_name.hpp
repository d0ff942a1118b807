// The wire name of a protocol enum value ("switch", "failed", ...) for logs and command-line
// output. Each enum has one table, the NLOHMANN_JSON_SERIALIZE_ENUM beside its type, used both
// ways; a text reads the name from there rather than keeping a second table.
#pragma once

#include "nixtray/protocol/json.hpp"

#include <string>
#include <type_traits>

namespace nixtray::protocol {

template <class Enum>
std::string wire_name(Enum value) {
  static_assert(std::is_enum_v<Enum>, "wire_name names protocol enum values");
  return json(value).get<std::string>();
}

}  // namespace nixtray::protocol
