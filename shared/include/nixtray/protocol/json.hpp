// JSON helpers shared by every message type.
//
// Reading rules of the wire contract (docs/protocol.md): required fields are read with at() so a
// missing field is an error naming the field; optional fields may be absent or null; unknown
// fields are ignored so the contract can grow.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace nixtray::protocol {

using json = nlohmann::json;

// Compact UTF-8, with invalid UTF-8 replaced (never throws on bad bytes), as the framing wants.
std::string encode_compact(const json& value);

// Throws RpcException(invalid_params) naming the field: the message a client gets back.
[[noreturn]] void throw_field_error(const char* key, const std::string& problem);
std::string readable_json_error(const json::exception& error);

// Strict reading of one value: integers must be JSON integers within the type's range (no
// fractions, no booleans), booleans must be booleans, everything else as nlohmann converts it.
template <class T>
void read_value(const json& value, const char* key, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!value.is_boolean()) throw_field_error(key, "must be true or false");
    out = value.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    if (!value.is_number_integer()) throw_field_error(key, "must be a whole number");
    if (value.is_number_unsigned()) {
      const auto number = value.get<std::uint64_t>();
      if (number > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) throw_field_error(key, "is too large");
      out = static_cast<T>(number);
    } else {
      const auto number = value.get<std::int64_t>();
      if (number < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
          (number > 0 &&
           static_cast<std::uint64_t>(number) > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))) {
        throw_field_error(key, "is out of range");
      }
      out = static_cast<T>(number);
    }
  } else {
    try {
      value.get_to(out);
    } catch (const json::exception& e) {
      throw_field_error(key, readable_json_error(e));
    }
  }
}

template <class T>
void read_required(const json& object, const char* key, T& out) {
  if (!object.is_object()) throw_field_error(key, "cannot be read: the enclosing value is not an object");
  const auto it = object.find(key);
  if (it == object.end()) throw_field_error(key, "is required");
  read_value(*it, key, out);
}

template <class T>
void read_optional(const json& object, const char* key, std::optional<T>& out) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    out.reset();
  } else {
    T value{};
    read_value(*it, key, value);
    out = std::move(value);
  }
}

// A field with a default: absent or null keeps the default.
template <class T>
void read_defaulted(const json& object, const char* key, T& out) {
  const auto it = object.find(key);
  if (it != object.end() && !it->is_null()) {
    read_value(*it, key, out);
  }
}

template <class T>
json optional_to_json(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

// For members that are omitted, not null, when absent (params, and members added to a result
// later, which older clients never see).
template <class T>
void put_if(json& j, const char* key, const std::optional<T>& value) {
  if (value) {
    j[key] = *value;
  }
}

}  // namespace nixtray::protocol

// std::optional<T> <-> null or T, for containers of optional values (nlohmann 3.12 has its own).
#if NLOHMANN_JSON_VERSION_MAJOR == 3 && NLOHMANN_JSON_VERSION_MINOR < 12
namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& value) {
    if (value) {
      j = *value;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& value) {
    if (j.is_null()) {
      value.reset();
    } else {
      value = j.template get<T>();
    }
  }
};
}  // namespace nlohmann
#endif
