// Text-level checks done on a received line before a JSON DOM is built.
#pragma once

#include "nixtray/protocol/error_code.hpp"
#include "nixtray/protocol/json.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nixtray::protocol {

inline constexpr int max_nesting_depth = 64;
inline constexpr std::size_t default_max_line_bytes = 1024 * 1024;

// Replaces each invalid UTF-8 sequence (overlong, surrogate, out of range, truncated) with U+FFFD.
// Returns true when something was replaced.
bool replace_invalid_utf8(std::string& text);

// True when brackets outside strings nest deeper than `limit`. Stops scanning at the first
// excess, so a line of 100k '[' costs nothing more than reading it.
bool nesting_exceeds(std::string_view text, int limit = max_nesting_depth);

// The whole receive path for one line: UTF-8 repair, depth limit, parse.
struct ParsedLine {
  std::optional<json> value;
  std::optional<RpcError> error;  // parse_error with a message a person can act on
};
ParsedLine parse_line(std::string line);

// True for a first line that is an HTTP request or header ("GET ", "POST ", "Host:", ...).
bool looks_like_http(std::string_view line);

}  // namespace nixtray::protocol
