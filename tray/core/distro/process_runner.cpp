#include "core/distro/process_runner.hpp"

namespace nixtray::tray {

std::string ProcessOutcome::describe() const {
  const std::string command = "`" + quote_command_line(argv) + "`";
  if (!started) return command + " could not be started: " + error;
  std::string text;
  if (timed_out) {
    text = command + " did not finish in time and was stopped";
  } else if (term_signal) {
    text = command + " was killed by signal " + std::to_string(*term_signal);
  } else if (exit_code) {
    text = command + " exited with " + std::to_string(*exit_code);
  } else {
    text = command + " ended";
  }
  // The last non-empty line of stderr usually says why.
  std::string_view e = err;
  while (!e.empty() && (e.back() == '\n' || e.back() == '\r' || e.back() == ' ')) e.remove_suffix(1);
  if (!e.empty()) {
    const auto newline = e.rfind('\n');
    text += ": " + std::string(newline == std::string_view::npos ? e : e.substr(newline + 1));
  }
  return text;
}

}  // namespace nixtray::tray
