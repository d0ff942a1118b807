#include "core/verify/console_login.hpp"

#include <algorithm>
#include <random>

namespace nixtray::tray {

namespace {

constexpr std::size_t evidence_lines = 20;

bool has_line(std::string_view text, std::string_view wanted) {
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == wanted) return true;
    start = end + 1;
  }
  return false;
}

std::string how_it_ended(const ProcessOutcome& outcome) {
  if (!outcome.started) return "the console could not be opened: " + outcome.error;
  if (outcome.timed_out) return "the login did not finish in time";
  if (outcome.term_signal) return "the login was killed by signal " + std::to_string(*outcome.term_signal);
  if (outcome.exit_code) return "the login exited with " + std::to_string(*outcome.exit_code);
  return "the login ended";
}

}  // namespace

std::string new_console_marker() {
  std::random_device random;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string marker = "nixtray-console-";
  for (int i = 0; i < 16; ++i) marker += "0123456789abcdef"[digit(random)];
  return marker;
}

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 32 || name.front() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

std::vector<std::string> console_marker_argv(const std::string& marker) { return {"echo", marker}; }

std::vector<std::string> last_lines(std::string_view text, std::size_t count) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.emplace_back(line);
    start = end + 1;
  }
  if (count == 0) return {};
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
  return lines;
}

ConsoleLogin judge_console_login(const ProcessOutcome& outcome, std::string_view marker, std::string_view user) {
  ConsoleLogin login;
  if (outcome.ok() && has_line(outcome.out, marker)) {
    login.passed = true;
    login.said = user.empty() ? sentence(
                                    "the default user logged in through the login shell, which ran the check's "
                                    "command")
                              : sentence("%s logged in through the login shell, which ran the check's command",
                                         {std::string(user)});
    login.message = login.said.english();
    return login;
  }
  // The shell's own words are the evidence: what it said on stderr (why it failed) before what it
  // printed on stdout.
  login.lines = last_lines(outcome.err, evidence_lines);
  for (auto& line : last_lines(outcome.out, evidence_lines - login.lines.size()))
    login.lines.push_back(std::move(line));
  const auto ended = how_it_ended(outcome);
  if (outcome.ok()) {
    login.cause = "the login shell did not run the check's command (its output lacks the marker)";
  } else {
    const auto said = last_lines(outcome.err.empty() ? outcome.out : outcome.err, 1);
    login.cause = said.empty() ? ended : said.front();
  }
  const auto why = outcome.ok() ? login.cause : ended + (login.lines.empty() ? std::string() : ": " + login.cause);
  login.said = user.empty() ? sentence("the default user cannot log in: %s", {why})
                            : sentence("%1$s cannot log in: %2$s", {std::string(user), why});
  login.message = login.said.english();
  return login;
}

}  // namespace nixtray::tray
