#include "nixtray/testing/process_runner.hpp"

#include <stdexcept>

#include "nixtray/testing/timeouts.hpp"

namespace nixtray::testing {

std::string quote_argv(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) {
    if (!line.empty()) line += ' ';
    const bool plain = !a.empty() && a.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789-_./=:@+,%") == std::string::npos;
    if (plain) {
      line += a;
    } else {
      line += '\'';
      for (char c : a) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
      line += '\'';
    }
  }
  return line;
}

std::string trim_right(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string ProcessResult::describe() const {
  std::string d = "$ " + quote_argv(argv) + "\n";
  d += timed_out ? std::string("timed out (killed)") : status.describe();
  if (!out.empty()) d += "\n--- stdout ---\n" + out;
  if (!err.empty()) d += "\n--- stderr ---\n" + err;
  return d;
}

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& options) {
  SpawnOptions spawn;
  spawn.env = options.env;
  spawn.cwd = options.cwd;
  spawn.stdin_from = options.stdin_data.empty() ? Redirect::null() : Redirect::pipe();
  ProcessResult result;
  result.argv = argv;
  auto child = Subprocess::spawn(argv, spawn);
  if (!options.stdin_data.empty()) {
    child.write_stdin(options.stdin_data);
    child.close_stdin();
  }
  auto status = child.collect_output(result.out, result.err, scaled(options.timeout));
  if (!status) {
    result.timed_out = true;
    status = child.kill_and_wait();  // only this child, by its PID
  }
  result.status = *status;
  return result;
}

ProcessResult run_checked(const std::vector<std::string>& argv, const RunOptions& options) {
  auto result = run_process(argv, options);
  if (!result.ok()) throw std::runtime_error("command failed: " + result.describe());
  return result;
}

}  // namespace nixtray::testing
