// The TCP token: 256 random bits as hex, kept 0600 in the state directory. Never sent: the TCP
// handshake proves it (nixtray/crypto/token_proof.hpp).
#pragma once

#include "nixtray/crypto/hex.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace nixtray::agent {

class TokenStore {
 public:
  explicit TokenStore(std::filesystem::path file) : file_(std::move(file)) {}

  // Reads the token, creating it (0600 from the start, atomically) when the file does not exist.
  // Refuses a token file that is a symbolic link, belongs to another user than root (or the
  // agent's), or that others may read. Throws std::runtime_error with the path when it cannot.
  std::string load_or_create() const;

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

  // Compares without an early exit, so timing does not reveal a matching prefix.
  static bool matches(std::string_view expected, std::string_view given) {
    return !expected.empty() && crypto::equal_in_constant_time(expected, given);
  }

 private:
  std::filesystem::path file_;
};

}  // namespace nixtray::agent
