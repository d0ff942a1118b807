// The TCP token: 64 lowercase hex characters in a file (nixtray-agent token prints it).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::tray {

struct TokenRead {
  std::optional<std::string> token;
  std::string error;  // why there is no token, for a person
};

// Trailing whitespace is ignored. A token that is not 64 hex characters is still returned (the
// agent decides), but an empty file is an error.
TokenRead read_token_file(const std::filesystem::path& file);

}  // namespace nixtray::tray
