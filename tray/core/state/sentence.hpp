// A sentence for people with its placeholders kept apart: `format` is fixed English (listed in
// po/core_messages.cc, so the catalog translates it) with printf-style %s or %1$s placeholders,
// `args` are what goes in them (numbers, unit and user names: never translated). Core says what
// to show; the GUI translates the format and then fills it (gui/wx_text.hpp sentence_text), and
// nixtrayctl and the logs use english().
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nixtray::tray {

struct Sentence {
  std::string format;
  std::vector<std::string> args;

  [[nodiscard]] bool empty() const { return format.empty(); }
  [[nodiscard]] std::string english() const { return fill(format, args); }
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
  return Sentence{std::move(format), std::move(args)};
}

}  // namespace nixtray::tray
