#include "jobs/flat_nix_event.hpp"

#include <limits>

namespace nixtray::agent {

namespace {

// Reads JSON text as nlohmann::json's parser would, for the flat shape only; every method returns
// false where the parser would fail or where the shape ends (the caller then declines).
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool take(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  [[nodiscard]] char peek() {
    skip_space();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  [[nodiscard]] bool at_end() {
    skip_space();
    return pos_ == text_.size();
  }

  // A string at the current position, decoded into `out` (when not null).
  bool string(std::string* out) {
    if (!take('"')) return false;
    for (;;) {
      // The plain run up to the next quote, backslash, control or non-ASCII byte, copied at once.
      const auto start = pos_;
      while (pos_ < text_.size()) {
        const auto byte = static_cast<unsigned char>(text_[pos_]);
        if (byte == '"' || byte == '\\' || byte < 0x20 || byte >= 0x80) break;
        ++pos_;
      }
      if (out) out->append(text_.data() + start, pos_ - start);
      if (pos_ >= text_.size()) return false;
      const auto byte = static_cast<unsigned char>(text_[pos_]);
      if (byte == '"') {
        ++pos_;
        return true;
      }
      if (byte < 0x20) return false;  // a raw control character: not JSON
      if (byte == '\\') {
        if (!escape(out)) return false;
      } else if (!utf8_sequence(out)) {
        return false;
      }
    }
  }

  // A number; whole numbers only (a fraction or an exponent declines).
  bool number(bool& negative, std::uint64_t& magnitude) {
    skip_space();
    negative = pos_ < text_.size() && text_[pos_] == '-';
    if (negative) ++pos_;
    if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9') return false;
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9')
      return false;  // a leading zero
    magnitude = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
      if (magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;  // a float to nlohmann
      magnitude = magnitude * 10 + digit;
      ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) return false;
    // nlohmann keeps a negative number as int64 only when it fits.
    return !negative || magnitude <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
  }

  bool literal(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

 private:
  bool hex4(std::uint32_t& value) {
    if (pos_ + 4 > text_.size()) return false;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  }

  bool escape(std::string* out) {
    ++pos_;  // the backslash
    if (pos_ >= text_.size()) return false;
    char decoded = 0;
    switch (text_[pos_++]) {
      case '"':
        decoded = '"';
        break;
      case '\\':
        decoded = '\\';
        break;
      case '/':
        decoded = '/';
        break;
      case 'b':
        decoded = '\b';
        break;
      case 'f':
        decoded = '\f';
        break;
      case 'n':
        decoded = '\n';
        break;
      case 'r':
        decoded = '\r';
        break;
      case 't':
        decoded = '\t';
        break;
      case 'u':
        return unicode_escape(out);
      default:
        return false;
    }
    if (out) out->push_back(decoded);
    return true;
  }

  // \uXXXX, a surrogate pair as two of them; a lone surrogate is an error (as for nlohmann).
  bool unicode_escape(std::string* out) {
    std::uint32_t code = 0;
    if (!hex4(code)) return false;
    if (code >= 0xDC00 && code <= 0xDFFF) return false;
    if (code >= 0xD800 && code <= 0xDBFF) {
      std::uint32_t low = 0;
      if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') return false;
      pos_ += 2;
      if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
    }
    if (!out) return true;
    if (code < 0x80) {
      out->push_back(static_cast<char>(code));
    } else if (code < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (code >> 6)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (code >> 12)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (code >> 18)));
      out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
    return true;
  }

  // One multi-byte UTF-8 sequence, checked as RFC 3629 (and nlohmann's lexer) defines it.
  bool utf8_sequence(std::string* out) {
    const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text_[at]); };
    const unsigned char lead = byte(pos_);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (pos_ + length > text_.size()) return false;
    if (byte(pos_ + 1) < low || byte(pos_ + 1) > high) return false;
    for (std::size_t i = 2; i < length; ++i) {
      if (byte(pos_ + i) < 0x80 || byte(pos_ + i) > 0xBF) return false;
    }
    if (out) out->append(text_.data() + pos_, length);
    pos_ += length;
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

template <class T>
T resolved_or(bool negative, std::uint64_t magnitude, T fallback) {
  if (!negative)
    return magnitude <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()) ? static_cast<T>(magnitude)
                                                                                  : fallback;
  if (magnitude == 0) return T{0};
  if constexpr (std::numeric_limits<T>::is_signed) {
    return magnitude <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()) + 1
               ? static_cast<T>(-static_cast<std::int64_t>(magnitude - 1) - 1)
               : fallback;
  } else {
    return fallback;
  }
}

// A member the agent does not read: any scalar (checked, then dropped).
bool skip_scalar(Scanner& in) {
  switch (in.peek()) {
    case '"':
      return in.string(nullptr);
    case 't':
      return in.literal("true");
    case 'f':
      return in.literal("false");
    case 'n':
      return in.literal("null");
    default: {
      bool negative = false;
      std::uint64_t magnitude = 0;
      return in.number(negative, magnitude);
    }
  }
}

// id, level, type: a whole number in range, else the default (a string or true/false/null too).
template <class T>
bool whole_member(Scanner& in, T& value, T fallback) {
  if (in.peek() == '-' || (in.peek() >= '0' && in.peek() <= '9')) {
    bool negative = false;
    std::uint64_t magnitude = 0;
    if (!in.number(negative, magnitude)) return false;
    value = resolved_or(negative, magnitude, fallback);
    return true;
  }
  value = fallback;
  return skip_scalar(in);
}

bool fields_member(Scanner& in, FlatNixEvent& event) {
  if (!in.take('[')) return false;
  if (in.take(']')) return true;
  do {
    if (event.field_count == FlatNixEvent::max_fields) return false;
    auto& field = event.fields[event.field_count];
    if (in.peek() == '"') {
      field.is_string = true;
      if (!in.string(event.field_count == 0 ? &field.text : nullptr)) return false;
    } else if (!in.number(field.negative, field.magnitude)) {
      return false;
    }
    ++event.field_count;
  } while (in.take(','));
  return in.take(']');
}

}  // namespace

int whole_number_or(const FlatNixField& field, int fallback) {
  return field.is_string ? fallback : resolved_or(field.negative, field.magnitude, fallback);
}

std::optional<FlatNixEvent> scan_flat_nix_event(std::string_view json) {
  Scanner in(json);
  FlatNixEvent event;
  if (!in.take('{')) return std::nullopt;
  unsigned seen = 0;  // one bit per key read, to decline a repeated one
  std::string key;
  std::string action;
  if (!in.take('}')) {
    do {
      key.clear();
      if (!in.string(&key) || !in.take(':')) return std::nullopt;
      unsigned bit = 0;
      bool ok = true;
      if (key == "action") {
        bit = 1;
        ok = in.peek() == '"' && in.string(&action);
      } else if (key == "id") {
        bit = 2;
        ok = whole_member(in, event.id, std::uint64_t{0});
      } else if (key == "level") {
        bit = 4;
        ok = whole_member(in, event.level, 7);
      } else if (key == "type") {
        bit = 8;
        ok = whole_member(in, event.type, 0);
      } else if (key == "text") {
        bit = 16;
        ok = in.peek() == '"' && in.string(&event.text);
      } else if (key == "fields") {
        bit = 32;
        ok = fields_member(in, event);
      } else {
        ok = skip_scalar(in);
      }
      if (!ok || (seen & bit) != 0) return std::nullopt;
      seen |= bit;
    } while (in.take(','));
    if (!in.take('}')) return std::nullopt;
  }
  if (!in.at_end()) return std::nullopt;
  if (action == "start") {
    event.action = FlatNixEvent::Action::start;
  } else if (action == "stop") {
    event.action = FlatNixEvent::Action::stop;
  } else if (action == "result") {
    event.action = FlatNixEvent::Action::result;
  } else if (action == "msg") {
    return std::nullopt;  // messages read more members (errors, locations): the full parse
  }
  return event;
}

}  // namespace nixtray::agent
