// The primitives from Windows' CNG (bcrypt.dll), the Windows implementation.
#include "nixtray/crypto/primitives.hpp"

#include <windows.h>
// bcrypt.h needs windows.h first.
#include <bcrypt.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace nixtray::crypto {

namespace {

void check(NTSTATUS status, const char* what) {
  if (!BCRYPT_SUCCESS(status)) {
    throw std::runtime_error(std::string(what) + " failed (NTSTATUS " + std::to_string(static_cast<long>(status)) +
                             ")");
  }
}

ULONG byte_count(std::size_t size) {
  if (size > std::numeric_limits<ULONG>::max()) {
    throw std::runtime_error("input too large for BCrypt");
  }
  return static_cast<ULONG>(size);
}

}  // namespace

Sha256Digest hmac_sha256(std::string_view key, std::string_view message) {
  BCRYPT_ALG_HANDLE algorithm = nullptr;
  check(::BCryptOpenAlgorithmProvider(&algorithm, BCRYPT_SHA256_ALGORITHM, nullptr, BCRYPT_ALG_HANDLE_HMAC_FLAG),
        "BCryptOpenAlgorithmProvider(SHA256, HMAC)");
  BCRYPT_HASH_HANDLE hash = nullptr;
  Sha256Digest digest{};
  NTSTATUS status = ::BCryptCreateHash(
      algorithm, &hash, nullptr, 0, reinterpret_cast<PUCHAR>(const_cast<char*>(key.data())), byte_count(key.size()), 0);
  if (BCRYPT_SUCCESS(status)) {
    status = ::BCryptHashData(hash, reinterpret_cast<PUCHAR>(const_cast<char*>(message.data())),
                              byte_count(message.size()), 0);
  }
  if (BCRYPT_SUCCESS(status)) {
    status = ::BCryptFinishHash(hash, digest.data(), static_cast<ULONG>(digest.size()), 0);
  }
  if (hash) ::BCryptDestroyHash(hash);
  ::BCryptCloseAlgorithmProvider(algorithm, 0);
  check(status, "HMAC-SHA-256");
  return digest;
}

void fill_random(std::span<std::uint8_t> out) {
  check(::BCryptGenRandom(nullptr, out.data(), byte_count(out.size()), BCRYPT_USE_SYSTEM_PREFERRED_RNG),
        "BCryptGenRandom");
}

}  // namespace nixtray::crypto
