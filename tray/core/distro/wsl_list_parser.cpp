#include "core/distro/wsl_list_parser.hpp"

#include <cstdint>

namespace nixtray::tray {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is invalid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  std::size_t length = 0;
  std::uint32_t cp = 0;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid.
  if ((length == 3 && cp < 0x800) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return length;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += replacement;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string utf16le_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  const auto unit = [&](std::size_t k) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[k]) |
                                      (static_cast<unsigned char>(bytes[k + 1]) << 8));
  };
  const std::size_t end = bytes.size() - bytes.size() % 2;  // a dangling odd byte is dropped
  for (std::size_t i = 0; i < end; i += 2) {
    const std::uint16_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 2 < end) {
        const std::uint16_t low = unit(i + 2);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          append_utf8(out, 0x10000 + ((static_cast<std::uint32_t>(u) - 0xD800) << 10) + (low - 0xDC00));
          i += 2;
          continue;
        }
      }
      out += replacement;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      out += replacement;
    } else {
      append_utf8(out, u);
    }
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  // U+3000 (ideographic space, E3 80 80) pads columns in CJK consoles.
  constexpr std::string_view ideographic_space = "\xE3\x80\x80";
  bool changed = true;
  while (changed) {
    changed = false;
    while (!s.empty() && is_space(s.front())) {
      s.remove_prefix(1);
      changed = true;
    }
    while (!s.empty() && is_space(s.back())) {
      s.remove_suffix(1);
      changed = true;
    }
    if (s.starts_with(ideographic_space)) {
      s.remove_prefix(ideographic_space.size());
      changed = true;
    }
    if (s.ends_with(ideographic_space)) {
      s.remove_suffix(ideographic_space.size());
      changed = true;
    }
  }
  return s;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

WslOutputEncoding detect_wsl_output_encoding(std::string_view bytes) {
  if (bytes.starts_with("\xFF\xFE")) return WslOutputEncoding::utf16le;
  if (bytes.starts_with("\xEF\xBB\xBF")) return WslOutputEncoding::utf8;
  if (bytes.find('\0') != std::string_view::npos) return WslOutputEncoding::utf16le;
  if (!is_valid_utf8(bytes) && bytes.size() % 2 == 0) return WslOutputEncoding::utf16le;
  return WslOutputEncoding::utf8;
}

std::string decode_wsl_output(std::string_view bytes) {
  if (detect_wsl_output_encoding(bytes) == WslOutputEncoding::utf16le) {
    if (bytes.starts_with("\xFF\xFE")) bytes.remove_prefix(2);
    return utf16le_to_utf8(bytes);
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  return sanitize_utf8(bytes);
}

std::vector<WslDistro> parse_wsl_list(std::string_view bytes) {
  const std::string text = decode_wsl_output(bytes);
  std::vector<WslDistro> distros;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = trim(std::string_view(text).substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    // The localized header of `wsl -l` ends in a colon; distro names cannot contain one.
    if (line.ends_with(":") || line.ends_with("\xEF\xBC\x9A")) continue;
    WslDistro distro;
    if (line.starts_with("* ") || line == "*") {
      distro.is_default = true;
      line = trim(line.substr(1));
    }
    // "Ubuntu (Default)", localized: the marker is a parenthesized suffix after a space.
    if (line.ends_with(")")) {
      const auto open = line.rfind(" (");
      if (open != std::string_view::npos && open > 0) {
        distro.is_default = true;
        line = trim(line.substr(0, open));
      }
    }
    if (line.empty()) continue;
    distro.name = std::string(line);
    distros.push_back(std::move(distro));
  }
  return distros;
}

bool same_distro_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool contains_distro(const std::vector<WslDistro>& distros, std::string_view name) {
  for (const auto& distro : distros) {
    if (same_distro_name(distro.name, name)) return true;
  }
  return false;
}

}  // namespace nixtray::tray
