// The TCP token: 256 random bits as hex, kept 0600 in the state directory. Never sent: the TCP
// handshake proves it (nixtray/crypto/token_proof.hpp).
#pragma once

#include <filesystem>
#include <string>

namespace nixtray::agent {

class TokenStore {
 public:
  explicit TokenStore(std::filesystem::path file) : file_(std::move(file)) {}

  // Reads the token, creating it (0600 from the start, atomically) when the file does not exist.
  // Refuses a token file that is a symbolic link, belongs to another user than root (or the
  // agent's), or that others may read. Throws std::runtime_error with the path when it cannot.
  std::string load_or_create() const;

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace nixtray::agent
