// What both platforms' secret files share (secret_file_posix.cpp, secret_file_windows.cpp): how
// large one may be, how its content becomes the secret, and where it is made.
#pragma once

#include "nixtray/crypto/secret_file.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <system_error>

namespace nixtray::crypto::detail {

inline constexpr std::size_t max_secret_file_bytes = 4096;  // a token is 65 bytes

// The first line without trailing whitespace, or the problem that the file `name` is empty.
inline SecretFileRead secret_of(std::string text, const std::string& name) {
  if (const auto newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) text.pop_back();
  if (text.empty()) {
    return {std::nullopt, name + " is empty"};
  }
  return {std::move(text), {}};
}

// The file's folder, made when missing (a failure shows when the file is created in it).
inline void make_parent_directories(const std::filesystem::path& file) {
  std::error_code ignored;
  if (file.has_parent_path()) {
    std::filesystem::create_directories(file.parent_path(), ignored);
  }
}

}  // namespace nixtray::crypto::detail
