// Bytes as lowercase hexadecimal text, the way tokens, nonces and proofs travel.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace nixtray::crypto {

std::string to_hex(std::span<const std::uint8_t> bytes);

// `text` is exactly `bytes` bytes written as lowercase hexadecimal (no prefix, no spaces).
bool is_lowercase_hex(std::string_view text, std::size_t bytes);

// Compares two byte strings in time that depends on their lengths only, so the moment a
// comparison fails does not tell an attacker how many leading bytes were right.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace nixtray::crypto
