// The TCP handshake's mutual proof of the token (docs/protocol.md §3.2): each side shows it knows
// the token with an HMAC over both sides' fresh nonces, and the token itself never travels.
//
//   agent proof  = HMAC-SHA-256(token, "nixtray agent"  || client nonce || agent nonce)
//   client proof = HMAC-SHA-256(token, "nixtray client" || agent nonce  || client nonce)
//
// Nonces are 32 random bytes and every value travels as lowercase hex; the MAC input is those hex
// texts as sent. The labels keep a proof of one side from ever passing for the other's
// (reflection), and fresh nonces from both sides keep an old proof from being replayed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace nixtray::crypto {

inline constexpr std::size_t nonce_bytes = 32;
inline constexpr std::size_t proof_bytes = 32;

// A fresh nonce: 32 bytes from the system's secure generator, as 64 lowercase hex characters.
std::string new_nonce();
[[nodiscard]] bool is_nonce(std::string_view text);
[[nodiscard]] bool is_proof(std::string_view text);

std::string agent_proof(std::string_view token, std::string_view client_nonce, std::string_view agent_nonce);
std::string client_proof(std::string_view token, std::string_view agent_nonce, std::string_view client_nonce);

// Compares in constant time; false for anything that is not a well-formed proof.
[[nodiscard]] bool proof_matches(std::string_view expected, std::string_view given);

}  // namespace nixtray::crypto
