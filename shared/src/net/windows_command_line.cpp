#include "nixtray/net/windows_command_line.hpp"

#include <stdexcept>

namespace nixtray::net {

std::string quote_windows_argument(std::string_view argument) {
  if (!argument.empty() && argument.find_first_of(" \t\n\v\"") == std::string_view::npos) {
    return std::string(argument);
  }
  std::string quoted = "\"";
  std::size_t backslashes = 0;
  for (const char c : argument) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    if (c == '"') {
      // Each backslash before a quote is doubled, and the quote itself escaped.
      quoted.append(backslashes * 2 + 1, '\\');
    } else {
      quoted.append(backslashes, '\\');
    }
    backslashes = 0;
    quoted += c;
  }
  // Backslashes before the closing quote would escape it: double them.
  quoted.append(backslashes * 2, '\\');
  quoted += '"';
  return quoted;
}

std::string windows_command_line(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    throw std::invalid_argument("empty command");
  }
  const auto& program = argv.front();
  if (program.empty() || program.find('"') != std::string::npos) {
    throw std::invalid_argument("a program name must be non-empty and without double quotes: " + program);
  }
  std::string line = program.find_first_of(" \t") == std::string::npos ? program : "\"" + program + "\"";
  for (std::size_t i = 1; i < argv.size(); ++i) {
    line += ' ';
    line += quote_windows_argument(argv[i]);
  }
  return line;
}

std::vector<std::string> split_windows_command_line(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  const auto is_space = [](char c) { return c == ' ' || c == '\t'; };

  // The program name: up to the next whitespace, or inside quotes with no escapes at all.
  std::string program;
  bool quoted = false;
  for (; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && is_space(c)) {
      break;
    } else {
      program += c;
    }
  }
  words.push_back(program);

  for (;;) {
    while (i < line.size() && is_space(line[i])) ++i;
    if (i >= line.size()) break;
    std::string word;
    bool in_quotes = false;
    for (; i < line.size(); ++i) {
      const char c = line[i];
      if (c == '\\') {
        std::size_t backslashes = 0;
        while (i < line.size() && line[i] == '\\') {
          ++backslashes;
          ++i;
        }
        if (i < line.size() && line[i] == '"') {
          word.append(backslashes / 2, '\\');
          if (backslashes % 2 == 1) {
            word += '"';
            continue;  // the loop's ++i steps over the escaped quote
          }
          --i;  // an unescaped quote: handled as a quote on the next turn
        } else {
          word.append(backslashes, '\\');
          --i;
        }
        continue;
      }
      if (c == '"') {
        // "" inside quotes is a literal quote (the runtime's rule since 2008).
        if (in_quotes && i + 1 < line.size() && line[i + 1] == '"') {
          word += '"';
          ++i;
        } else {
          in_quotes = !in_quotes;
        }
        continue;
      }
      if (!in_quotes && is_space(c)) break;
      word += c;
    }
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace nixtray::net
