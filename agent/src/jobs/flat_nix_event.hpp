// Nix's hot internal-json events (`start`, `stop`, `result`: almost every line of a build's log)
// read by a small scanner instead of a JSON DOM, several times faster. The scanner accepts only
// one flat shape: an object whose members are strings, integers, true/false/null, or (for
// `fields`) an array of strings and integers, every string valid UTF-8 with valid escapes, no
// repeated key the agent reads. For anything else (a `msg`, a fraction, a nested value, a number
// beyond 64 bits, text that is not JSON) it declines, and the caller parses the line with
// nlohmann::json as before; the job-log fuzz target checks both give the same result.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nixtray::agent {

// One element of `fields`: a decoded string or a whole number.
struct FlatNixField {
  bool is_string = false;
  std::string text;       // decoded; only the first field's is kept (the only one read)
  bool negative = false;  // a number: -magnitude or +magnitude
  std::uint64_t magnitude = 0;
};

// A whole number of a field, or `fallback` when it is a string or out of range, as
// whole_number_or() does for a parsed JSON value.
int whole_number_or(const FlatNixField& field, int fallback);

struct FlatNixEvent {
  enum class Action { start, stop, result, other };
  Action action = Action::other;
  // Resolved as member_whole_number_or() resolves them: the default when absent or out of range.
  std::uint64_t id = 0;
  int level = 7;
  int type = 0;
  std::string text;  // "" when absent
  static constexpr std::size_t max_fields = 8;
  std::array<FlatNixField, max_fields> fields;
  std::size_t field_count = 0;
};

// The event of the JSON text after "@nix ", or nullopt when it is not of the flat shape (then
// nlohmann::json decides what it is).
std::optional<FlatNixEvent> scan_flat_nix_event(std::string_view json);

}  // namespace nixtray::agent
