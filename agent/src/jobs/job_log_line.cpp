#include "jobs/job_log_line.hpp"

#include "jobs/flat_nix_event.hpp"

#include "nix/nix_log_codes.hpp"
#include "nixtray/protocol/wire_text.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

namespace nixtray::agent {

namespace {

std::optional<std::string> visible_nix_text(const nlohmann::json& event) {
  const auto action = event.value("action", "");
  if (action == "msg") {
    if (member_whole_number_or(event, "level", 7) > nix_log::highest_visible_level) return std::nullopt;
    return strip_terminal_codes(event.value("msg", ""));
  }
  if (action == "start") {
    const int type = member_whole_number_or(event, "type", 0);
    const bool shown =
        type == nix_log::activity_build || type == nix_log::activity_copy_path || type == nix_log::activity_substitute;
    const auto text = event.value("text", "");
    if (!shown || text.empty() || member_whole_number_or(event, "level", 7) > nix_log::highest_visible_level)
      return std::nullopt;
    return strip_terminal_codes(text);
  }
  if (action == "result") {
    const int type = member_whole_number_or(event, "type", 0);
    if (type != nix_log::result_build_log_line && type != nix_log::result_post_build_log_line) return std::nullopt;
    const auto& fields = event.value("fields", nlohmann::json::array());
    if (fields.empty() || !fields[0].is_string()) return std::nullopt;
    return strip_terminal_codes(fields[0].get<std::string>());
  }
  return std::nullopt;
}

// Whether any of the eight bytes of `word` needs a look of its own: a control character (tab and
// newline too: the byte loop tells them apart), DEL, or part of a multi-byte UTF-8 sequence. A
// build log is mostly plain ASCII, so eight bytes are passed over at once ("Bit Twiddling
// Hacks": a word has a byte below n when (w - n·0x01…) & ~w & 0x80… is not zero).
bool needs_a_look(std::uint64_t word) {
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t highs = 0x8080808080808080;
  const auto below_space = (word - ones * 0x20) & ~word & highs;
  const auto del = word ^ (ones * 0x7F);
  const auto is_del = (del - ones) & ~del & highs;
  return ((word & highs) | below_space | is_del) != 0;
}

}  // namespace

std::string strip_terminal_codes(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  bool non_ascii = false;
  std::size_t i = 0;
  while (i < text.size()) {
    // Copies the run of bytes kept as they are at once; most lines are only that.
    const auto run_start = i;
    while (i < text.size()) {
      if (i + sizeof(std::uint64_t) <= text.size()) {
        std::uint64_t word = 0;
        std::memcpy(&word, text.data() + i, sizeof(word));
        if (!needs_a_look(word)) {
          i += sizeof(word);
          continue;
        }
      }
      const auto byte = static_cast<unsigned char>(text[i]);
      if ((byte < 0x20 && byte != '\t' && byte != '\n') || byte == 0x7F) break;
      non_ascii |= byte >= 0x80;
      ++i;
    }
    clean.append(text.data() + run_start, i - run_start);
    if (i >= text.size()) break;
    if (text[i] == '\x1b') {
      // CSI: ESC [ parameters... final byte in 0x40..0x7E. Other escapes: ESC + one byte.
      if (i + 1 < text.size() && text[i + 1] == '[') {
        i += 2;
        while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7E)) ++i;
      } else {
        ++i;
      }
    }
    ++i;  // the control character, or the escape's last byte
  }
  if (non_ascii) protocol::replace_invalid_utf8(clean);  // ASCII alone is always valid
  return clean;
}

namespace {

template <class T>
T checked_whole_number_or(const nlohmann::json& value, T fallback) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    return number <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()) ? static_cast<T>(number) : fallback;
  }
  if (value.is_number_integer()) {
    const auto number = value.get<std::int64_t>();
    return std::in_range<T>(number) ? static_cast<T>(number) : fallback;
  }
  return fallback;
}

template <class T>
T checked_member_or(const nlohmann::json& object, const char* key, T fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it == object.end() ? fallback : checked_whole_number_or(*it, fallback);
}

}  // namespace

int whole_number_or(const nlohmann::json& value, int fallback) { return checked_whole_number_or(value, fallback); }

std::uint64_t whole_number_or(const nlohmann::json& value, std::uint64_t fallback) {
  return checked_whole_number_or(value, fallback);
}

int member_whole_number_or(const nlohmann::json& object, const char* key, int fallback) {
  return checked_member_or(object, key, fallback);
}

std::uint64_t member_whole_number_or(const nlohmann::json& object, const char* key, std::uint64_t fallback) {
  return checked_member_or(object, key, fallback);
}

namespace {

std::vector<std::string> split_lines(std::string text) {
  std::vector<std::string> lines;
  if (text.find('\n') == std::string::npos) {
    lines.push_back(std::move(text));  // the common case: one line, not copied
    return lines;
  }
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

// Most of a build's internal-json is progress: results of type 105/106 and activity stops. Nix
// writes keys in order, so these lines end the same way; skipping them without parsing makes
// reading a long log several times faster. Anything else is parsed.
bool is_progress_only(std::string_view raw_line) {
  if (!raw_line.starts_with(nix_line_prefix)) return false;
  const bool progress_result = raw_line.starts_with(R"(@nix {"action":"result",)") &&
                               (raw_line.ends_with(R"(,"type":105})") || raw_line.ends_with(R"(,"type":106})"));
  return progress_result || raw_line.starts_with(R"(@nix {"action":"stop",)");
}

std::vector<std::string> visible_lines_of_flat_nix_event(const FlatNixEvent& event) {
  using Action = FlatNixEvent::Action;
  if (event.action == Action::start) {
    const int type = event.type;
    const bool shown =
        type == nix_log::activity_build || type == nix_log::activity_copy_path || type == nix_log::activity_substitute;
    if (!shown || event.text.empty() || event.level > nix_log::highest_visible_level) return {};
    return split_lines(strip_terminal_codes(event.text));
  }
  if (event.action == Action::result) {
    if (event.type != nix_log::result_build_log_line && event.type != nix_log::result_post_build_log_line) return {};
    if (event.field_count == 0 || !event.fields[0].is_string) return {};
    return split_lines(strip_terminal_codes(event.fields[0].text));
  }
  return {};
}

std::vector<std::string> visible_lines(std::string_view raw_line) {
  if (is_progress_only(raw_line)) return {};
  if (raw_line.starts_with(nix_line_prefix)) {
    if (const auto event = scan_flat_nix_event(raw_line.substr(nix_line_prefix.size())))
      return visible_lines_of_flat_nix_event(*event);
  }
  return visible_lines_full_parse(raw_line);
}

std::vector<std::string> visible_lines_full_parse(std::string_view raw_line) {
  if (is_progress_only(raw_line)) return {};
  auto text = visible_text(raw_line);
  if (!text) return {};
  return split_lines(std::move(*text));
}

std::vector<std::string> visible_lines_of_nix_event(const nlohmann::json& event) {
  try {
    const auto text = visible_nix_text(event);
    return text ? split_lines(*text) : std::vector<std::string>{};
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

}  // namespace nixtray::agent
