#include "nixtray/cli/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace nixtray::cli {
namespace {

const Option* find_option(const std::vector<const Option*>& options, std::string_view name) {
  for (const auto* option : options) {
    if (option->name == name) {
      return option;
    }
  }
  return nullptr;
}

void append_options(std::ostringstream& out, const std::vector<Option>& options) {
  std::size_t width = 0;
  for (const auto& option : options) {
    width = std::max(width, option.name.size() + option.value_name.size() + 7);
  }
  for (const auto& option : options) {
    std::string left = (option.short_name ? std::string("-") + option.short_name + ", " : std::string()) + "--" +
                       option.name + (option.value_name.empty() ? "" : " " + option.value_name);
    out << "  " << left << std::string(width - left.size() + 2, ' ') << option.help << "\n";
  }
}

}  // namespace

bool ParsedCommandLine::has(std::string_view name) const { return options.find(std::string(name)) != options.end(); }

std::optional<std::string> ParsedCommandLine::value(std::string_view name) const {
  const auto it = options.find(std::string(name));
  if (it == options.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second.back();
}

std::string ParsedCommandLine::value_or(std::string_view name, std::string fallback) const {
  return value(name).value_or(std::move(fallback));
}

namespace {
long long parse_integer(std::string_view text, std::string_view what, long long low, long long high) {
  long long number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || number < low || number > high) {
    throw UsageError(std::string(what) + " must be a whole number from " + std::to_string(low) + " to " +
                     std::to_string(high) + ", not \"" + std::string(text) + "\"");
  }
  return number;
}
}  // namespace

std::optional<long long> ParsedCommandLine::integer(std::string_view name, long long low, long long high) const {
  const auto text = value(name);
  if (!text) {
    return std::nullopt;
  }
  return parse_integer(*text, "--" + std::string(name), low, high);
}

long long integer_argument(const ParsedCommandLine& parsed, std::size_t index, std::string_view what, long long low,
                           long long high) {
  if (index >= parsed.args.size()) {
    throw UsageError("missing " + std::string(what));
  }
  return parse_integer(parsed.args[index], what, low, high);
}

const Command* find_command(const Program& program, std::string_view name) {
  for (const auto& command : program.commands) {
    if (command.name == name) {
      return &command;
    }
  }
  return nullptr;
}

ParsedCommandLine parse(const Program& program, const std::vector<std::string>& argv) {
  ParsedCommandLine parsed;
  std::vector<const Option*> known;
  for (const auto& option : program.global_options) {
    known.push_back(&option);
  }
  const Command* command = nullptr;
  bool options_ended = false;

  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (!options_ended && word == "--") {
      options_ended = true;
      continue;
    }
    if (!options_ended && (word == "--help" || word == "-h")) {
      parsed.help = true;
      continue;
    }
    if (!options_ended && word.size() > 2 && word.starts_with("--")) {
      const auto equals = word.find('=');
      const std::string name = word.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
      const Option* option = find_option(known, name);
      if (!option) {
        throw UsageError("unknown option --" + name + (command ? " for '" + command->name + "'" : std::string()) +
                         " (see --help)");
      }
      auto& values = parsed.options[name];
      if (!values.empty() && !option->repeatable) {
        throw UsageError("--" + name + " given twice");
      }
      if (option->value_name.empty()) {
        if (equals != std::string::npos) {
          throw UsageError("--" + name + " takes no value");
        }
        values.emplace_back("true");
      } else if (equals != std::string::npos) {
        values.push_back(word.substr(equals + 1));
      } else if (i + 1 < argv.size()) {
        values.push_back(argv[++i]);
      } else {
        throw UsageError("--" + name + " needs a value (" + option->value_name + ")");
      }
      continue;
    }
    if (!options_ended && word.size() == 2 && word[0] == '-' && word[1] != '-') {
      const auto short_option =
          std::find_if(known.begin(), known.end(), [&](const Option* o) { return o->short_name == word[1]; });
      if (short_option != known.end() && (*short_option)->value_name.empty()) {
        parsed.options[(*short_option)->name].emplace_back("true");
        continue;
      }
    }
    if (!options_ended && word.size() > 1 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9')) {
      throw UsageError("unknown option " + word + " (options are spelled --name; see --help)");
    }
    if (!command && !program.commands.empty()) {
      command = find_command(program, word);
      if (!command) {
        throw UsageError("unknown command '" + word + "' (see " + program.name + " --help)");
      }
      parsed.command = command->name;
      for (const auto& option : command->options) {
        known.push_back(&option);
      }
      continue;
    }
    parsed.args.push_back(word);
  }
  if (command && !parsed.help) {
    if (parsed.args.size() < command->min_args) {
      throw UsageError("'" + command->name + "' needs " +
                       (command->arguments.empty() ? "arguments" : command->arguments));
    }
    if (parsed.args.size() > command->max_args) {
      throw UsageError("too many arguments for '" + command->name + "': " + parsed.args[command->max_args]);
    }
  }
  return parsed;
}

std::string program_help(const Program& program) {
  std::ostringstream out;
  out << program.name << " — " << program.summary << "\n\n";
  out << "Usage: " << program.name << " [options] <command> [command options]\n\n";
  if (!program.commands.empty()) {
    out << "Commands:\n";
    std::size_t width = 0;
    for (const auto& command : program.commands) {
      width = std::max(width, command.name.size() + command.arguments.size() + 1);
    }
    for (const auto& command : program.commands) {
      std::string left = command.name + (command.arguments.empty() ? "" : " " + command.arguments);
      out << "  " << left << std::string(width - left.size() + 2, ' ') << command.summary << "\n";
    }
    out << "\n";
  }
  if (!program.global_options.empty()) {
    out << "Options:\n";
    append_options(out, program.global_options);
    out << "  --help"
        << "  show help (also after a command)\n\n";
  }
  out << program.footer;
  return out.str();
}

std::string command_help(const Program& program, const Command& command) {
  std::ostringstream out;
  out << "Usage: " << program.name << " [options] " << command.name
      << (command.arguments.empty() ? "" : " " + command.arguments) << "\n\n"
      << command.summary << "\n";
  if (!command.details.empty()) {
    out << "\n" << command.details << "\n";
  }
  if (!command.options.empty()) {
    out << "\nOptions:\n";
    append_options(out, command.options);
  }
  if (!program.global_options.empty()) {
    out << "\nGlobal options:\n";
    append_options(out, program.global_options);
  }
  return out.str();
}

}  // namespace nixtray::cli
