// The primitives from OpenSSL's libcrypto (Debian: libssl-dev), the Linux implementation.
#include "nixtray/crypto/primitives.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace nixtray::crypto {

namespace {

[[noreturn]] void fail(const std::string& what) {
  const auto code = ::ERR_get_error();
  char text[256] = {};
  ::ERR_error_string_n(code, text, sizeof(text));
  throw std::runtime_error(what + ": " + text);
}

}  // namespace

Sha256Digest hmac_sha256(std::string_view key, std::string_view message) {
  if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::runtime_error("HMAC key too long");
  }
  Sha256Digest digest{};
  unsigned int length = 0;
  const auto* result =
      ::HMAC(::EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(), &length);
  if (!result || length != digest.size()) {
    fail("HMAC-SHA-256 failed");
  }
  return digest;
}

void fill_random(std::span<std::uint8_t> out) {
  while (!out.empty()) {
    const auto chunk = std::min<std::size_t>(out.size(), static_cast<std::size_t>(std::numeric_limits<int>::max()));
    if (::RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) {
      fail("cannot read random bytes");
    }
    out = out.subspan(chunk);
  }
}

}  // namespace nixtray::crypto
