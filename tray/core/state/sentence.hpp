// A sentence for people with its placeholders kept apart: `format` is fixed English (listed in
// po/core_messages.cc, so the catalog translates it) with printf-style %s or %1$s placeholders,
// `args` are what goes in them (numbers, unit and user names: never translated). Core says what
// to show; the GUI translates the format and then fills it (gui/wx_text.hpp sentence_text), and
// nixtrayctl and the logs use english().
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nixtray::tray {

struct Sentence {
  std::string format;
  std::vector<std::string> args;
  // With a count (ngettext): `format` is the singular, `plural` the rest; the catalogue picks the
  // language's form for `count`.
  std::string plural;
  unsigned long count = 0;
  // Arguments that are core's own fixed English phrases ("the agent rejected the token"): the GUI
  // translates them too before putting them in. Names, paths and numbers never are.
  std::vector<std::size_t> translated;
  // Arguments that are sentences of their own (a job's progress inside the tooltip): `args` holds
  // their English, and a front end that translates says nested[k] for the argument nested_at[k].
  std::vector<std::size_t> nested_at;
  std::vector<Sentence> nested;

  [[nodiscard]] bool empty() const { return format.empty(); }
  [[nodiscard]] const std::string& english_format() const { return plural.empty() || count == 1 ? format : plural; }
  [[nodiscard]] std::string english() const { return fill(english_format(), args); }
  [[nodiscard]] bool is_translated(std::size_t arg) const {
    return std::find(translated.begin(), translated.end(), arg) != translated.end();
  }
  // Puts `inner` in as argument `at` (which must exist).
  Sentence& nest(std::size_t at, Sentence inner) {
    args.at(at) = inner.english();
    nested_at.push_back(at);
    nested.push_back(std::move(inner));
    return *this;
  }
  bool operator==(const Sentence&) const = default;

  // %s takes the next argument, %N$s the Nth, %% is a percent sign; a missing argument is left
  // empty (a translation that names fewer or more arguments still shows).
  static std::string fill(std::string_view format, const std::vector<std::string>& args) {
    std::string out;
    std::size_t next = 0;
    for (std::size_t i = 0; i < format.size(); ++i) {
      if (format[i] != '%' || i + 1 >= format.size()) {
        out += format[i];
        continue;
      }
      if (format[i + 1] == '%') {
        out += '%';
        ++i;
        continue;
      }
      std::size_t j = i + 1;
      std::size_t position = 0;
      while (j < format.size() && format[j] >= '0' && format[j] <= '9')
        position = position * 10 + static_cast<std::size_t>(format[j++] - '0');
      std::size_t index = 0;
      bool positional = false;
      if (position > 0 && j < format.size() && format[j] == '$') {
        index = position - 1;
        positional = true;
        ++j;
      } else {
        j = i + 1;  // digits without '$' are not a position
      }
      if (j < format.size() && format[j] == 's') {
        if (!positional) index = next++;
        if (index < args.size()) out += args[index];
        i = j;
      } else {
        out += format[i];
      }
    }
    return out;
  }
};

inline Sentence sentence(std::string format, std::vector<std::string> args = {}) {
  return Sentence{std::move(format), std::move(args), {}, 0, {}, {}, {}};
}

// A sentence with a count: `singular` for one, `plural` for the rest (in English); the count is
// also its first argument.
inline Sentence counted(std::string singular, std::string plural, unsigned long count,
                        std::vector<std::string> more_args = {}) {
  std::vector<std::string> args{std::to_string(count)};
  args.insert(args.end(), more_args.begin(), more_args.end());
  return Sentence{std::move(singular), std::move(args), std::move(plural), count, {}, {}, {}};
}

// Sentences in some language: English (Sentence::english), the GUI's catalogue's or nixtrayctl's.
using SentenceWords = std::function<std::string(const Sentence&)>;

}  // namespace nixtray::tray
