// A small command-line parser: `program [global options] command [options] [args]`, with
// `--name VALUE`, `--name=VALUE`, boolean `--name`, `--` ending options, and --help text
// generated from the same description that parses, so help never drifts from behaviour.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::cli {

struct Option {
  std::string name;        // without dashes: "socket"
  std::string value_name;  // "PATH"; empty for a boolean flag
  std::string help;
  bool repeatable = false;
  char short_name = 0;  // e.g. 'f' for -f
};

struct Command {
  std::string name;
  std::string arguments;  // usage of positional arguments, e.g. "[N]"
  std::string summary;
  std::vector<Option> options;
  std::size_t min_args = 0;
  std::size_t max_args = 0;
  std::string details;  // extra paragraphs for --help
};

struct Program {
  std::string name;
  std::string summary;
  std::vector<Option> global_options;
  std::vector<Command> commands;
  std::string footer;  // exit codes, examples
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ParsedCommandLine {
  std::string command;                                      // empty when none was given
  std::map<std::string, std::vector<std::string>> options;  // flags map to {"true"}
  std::vector<std::string> args;
  bool help = false;

  [[nodiscard]] bool has(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> value(std::string_view name) const;
  [[nodiscard]] std::string value_or(std::string_view name, std::string fallback) const;
  // Throws UsageError naming the option when the value is not an integer in range.
  [[nodiscard]] std::optional<long long> integer(std::string_view name, long long low, long long high) const;
};

// Throws UsageError with a message naming the offending word.
ParsedCommandLine parse(const Program& program, const std::vector<std::string>& argv);

// Parses the positional argument at `index` as an integer in range, or throws UsageError.
long long integer_argument(const ParsedCommandLine& parsed, std::size_t index, std::string_view what, long long low,
                           long long high);

std::string program_help(const Program& program);
std::string command_help(const Program& program, const Command& command);
const Command* find_command(const Program& program, std::string_view name);

}  // namespace nixtray::cli
