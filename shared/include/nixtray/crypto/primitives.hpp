// The two cryptographic primitives nixtray needs, from the platform's vetted library (OpenSSL's
// libcrypto on Linux, BCrypt on Windows; CMake picks the implementation), never home-made ones.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace nixtray::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

// HMAC-SHA-256 (RFC 2104) of `message` under `key`, both taken as bytes.
// Throws std::runtime_error when the library fails (it does not for valid input).
Sha256Digest hmac_sha256(std::string_view key, std::string_view message);

// Fills `out` from the operating system's cryptographically secure generator.
// Throws std::runtime_error when it cannot.
void fill_random(std::span<std::uint8_t> out);

}  // namespace nixtray::crypto
