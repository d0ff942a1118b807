#include "jobs/job_log_line.hpp"

#include "nixtray/protocol/wire_text.hpp"

#include <nlohmann/json.hpp>

#include <optional>

namespace nixtray::agent {

namespace {

// Nix's verbosity levels: 0 error, 1 warn, 2 notice, 3 info, 4 talkative, ... 7 vomit.
constexpr int highest_visible_level = 3;
constexpr int activity_build = 105;
constexpr int activity_copy_path = 100;
constexpr int activity_substitute = 108;
constexpr int result_build_log_line = 101;
constexpr int result_post_build_log_line = 107;

std::optional<std::string> visible_nix_text(const nlohmann::json& event) {
  const auto action = event.value("action", "");
  if (action == "msg") {
    if (event.value("level", 7) > highest_visible_level) return std::nullopt;
    return strip_terminal_codes(event.value("msg", ""));
  }
  if (action == "start") {
    const int type = event.value("type", 0);
    const bool shown = type == activity_build || type == activity_copy_path || type == activity_substitute;
    const auto text = event.value("text", "");
    if (!shown || text.empty() || event.value("level", 7) > highest_visible_level) return std::nullopt;
    return strip_terminal_codes(text);
  }
  if (action == "result") {
    const int type = event.value("type", 0);
    if (type != result_build_log_line && type != result_post_build_log_line) return std::nullopt;
    const auto& fields = event.value("fields", nlohmann::json::array());
    if (fields.empty() || !fields[0].is_string()) return std::nullopt;
    return strip_terminal_codes(fields[0].get<std::string>());
  }
  return std::nullopt;
}

}  // namespace

std::string strip_terminal_codes(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\x1b') {
      // CSI: ESC [ parameters... final byte in 0x40..0x7E. Other escapes: ESC + one byte.
      if (i + 1 < text.size() && text[i + 1] == '[') {
        i += 2;
        while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7E)) ++i;
      } else {
        ++i;
      }
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t' && c != '\n') || byte == 0x7F) {
      continue;
    }
    clean.push_back(c);
  }
  protocol::replace_invalid_utf8(clean);
  return clean;
}

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

std::optional<std::string> visible_text(std::string_view raw_line) {
  if (raw_line.starts_with(marker_line_prefix)) {
    return std::nullopt;
  }
  if (raw_line.starts_with(nix_line_prefix)) {
    const auto event = nlohmann::json::parse(raw_line.substr(nix_line_prefix.size()), nullptr, false);
    if (event.is_discarded() || !event.is_object()) {
      return strip_terminal_codes(raw_line);  // not what it claims to be: show it as text
    }
    try {
      return visible_nix_text(event);
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;  // a field of an unexpected type: machine data we cannot read
    }
  }
  return strip_terminal_codes(raw_line);
}

}  // namespace

std::vector<std::string> visible_lines(std::string_view raw_line) {
  const auto text = visible_text(raw_line);
  if (!text) return {};
  return split_lines(*text);
}

}  // namespace nixtray::agent
