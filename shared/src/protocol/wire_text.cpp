#include "nixtray/protocol/wire_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace nixtray::protocol {
namespace {

constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Length of the well-formed sequence at `pos` (Unicode table 3-7), or the length of its
// maximal ill-formed subpart as a negative number (at least -1).
int sequence_length(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    return 1;
  }
  int length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return -1;
  }
  for (int i = 1; i < length; ++i) {
    if (pos + static_cast<std::size_t>(i) >= text.size()) {
      return -i;
    }
    const auto byte = static_cast<unsigned char>(text[pos + static_cast<std::size_t>(i)]);
    const bool ok = i == 1 ? (byte >= second_min && byte <= second_max) : is_continuation(byte);
    if (!ok) {
      return -i;
    }
  }
  return length;
}

}  // namespace

bool replace_invalid_utf8(std::string& text) {
  std::size_t pos = 0;
  while (pos < text.size() && sequence_length(text, pos) > 0) {
    pos += static_cast<std::size_t>(sequence_length(text, pos));
  }
  if (pos == text.size()) {
    return false;  // the common case: valid, nothing copied
  }
  std::string repaired(text, 0, pos);
  repaired.reserve(text.size() + 16);
  while (pos < text.size()) {
    const int length = sequence_length(text, pos);
    if (length > 0) {
      repaired.append(text, pos, static_cast<std::size_t>(length));
      pos += static_cast<std::size_t>(length);
    } else {
      repaired.append(replacement_character);
      pos += static_cast<std::size_t>(-length);
    }
  }
  text = std::move(repaired);
  return true;
}

bool nesting_exceeds(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > limit) return true;
        break;
      case ']':
      case '}':
        --depth;
        break;
      default:
        break;
    }
  }
  return false;
}

ParsedLine parse_line(std::string line) {
  replace_invalid_utf8(line);
  if (nesting_exceeds(line)) {
    return {std::nullopt, RpcError(ErrorCode::parse_error,
                                   "JSON nests deeper than " + std::to_string(max_nesting_depth) + " levels")};
  }
  try {
    return {json::parse(line), std::nullopt};
  } catch (const json::exception& e) {
    // Not only parse_error: a number too large for a double ("1e400") is an out_of_range.
    return {std::nullopt, RpcError(ErrorCode::parse_error, std::string("not valid JSON: ") + e.what())};
  }
}

bool looks_like_http(std::string_view line) {
  static constexpr std::array<std::string_view, 10> request_starts = {
      "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "PRI * HTTP/"};
  for (const auto start : request_starts) {
    if (line.starts_with(start)) {
      return true;
    }
  }
  constexpr std::string_view host = "host:";
  return line.size() >= host.size() && std::equal(host.begin(), host.end(), line.begin(), [](char a, char b) {
           return a == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace nixtray::protocol
