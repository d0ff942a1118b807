#include "nixtray/crypto/token_proof.hpp"

#include "nixtray/crypto/hex.hpp"
#include "nixtray/crypto/primitives.hpp"

#include <array>

namespace nixtray::crypto {

namespace {

constexpr std::string_view agent_label = "nixtray agent";
constexpr std::string_view client_label = "nixtray client";

std::string proof(std::string_view token, std::string_view label, std::string_view first, std::string_view second) {
  std::string message;
  message.reserve(label.size() + first.size() + second.size());
  message.append(label).append(first).append(second);
  return to_hex(hmac_sha256(token, message));
}

}  // namespace

std::string new_nonce() {
  std::array<std::uint8_t, nonce_bytes> bytes{};
  fill_random(bytes);
  return to_hex(bytes);
}

bool is_nonce(std::string_view text) { return is_lowercase_hex(text, nonce_bytes); }
bool is_proof(std::string_view text) { return is_lowercase_hex(text, proof_bytes); }

std::string agent_proof(std::string_view token, std::string_view client_nonce, std::string_view agent_nonce) {
  return proof(token, agent_label, client_nonce, agent_nonce);
}

std::string client_proof(std::string_view token, std::string_view agent_nonce, std::string_view client_nonce) {
  return proof(token, client_label, agent_nonce, client_nonce);
}

bool proof_matches(std::string_view expected, std::string_view given) {
  return is_proof(given) && equal_in_constant_time(expected, given);
}

}  // namespace nixtray::crypto
