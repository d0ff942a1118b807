// The TCP token: 256 random bits as hex, kept 0600 in the state directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nixtray::agent {

class TokenStore {
 public:
  explicit TokenStore(std::filesystem::path file) : file_(std::move(file)) {}

  // Reads the token, creating it (0600, atomically) when the file does not exist.
  // Throws std::runtime_error with the path when it cannot.
  std::string load_or_create() const;

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }

  // Compares without an early exit, so timing does not reveal a matching prefix.
  static bool matches(std::string_view expected, std::string_view given);

 private:
  std::filesystem::path file_;
};

}  // namespace nixtray::agent
