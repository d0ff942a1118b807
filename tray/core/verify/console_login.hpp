// The console step's parts that need no distro: the marker a login must echo back, and what a
// console's outcome says (passed, or the shell's own words as the evidence). boot_console.cpp runs
// the step with them; docs/verify-boot.md ("The console step") is the contract.
#pragma once

#include "core/state/sentence.hpp"

#include "core/distro/process_runner.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

// "nixtray-console-<16 hex digits>", new for each check: output left over from an earlier login
// (a profile that prints a fixed marker) cannot pass for this one.
std::string new_console_marker();

// The command the console runs: `echo <marker>`. WSL joins it into the command line it gives the
// login shell, so it stays one plain word.
std::vector<std::string> console_marker_argv(const std::string& marker);

// Whether `name` can go to `wsl.exe -u` as it is: a POSIX-style user name (letters, digits, '_',
// '-', '.', not starting with '-', at most 32 bytes). It comes from the distro's wsl.conf.
bool valid_user_name(std::string_view name);

struct ConsoleLogin {
  bool passed = false;
  std::string message;             // for the step: what happened, for people (English)
  Sentence said;                   // the same as a sentence the catalogue translates
  std::string cause;               // on failure: the shell's last words (completes "cannot log in: ...")
  std::vector<std::string> lines;  // on failure: the end of the shell's output, stderr first
};

// Passed when the login exited 0 and printed the marker as a line of its own.
ConsoleLogin judge_console_login(const ProcessOutcome& outcome, std::string_view marker, std::string_view user);

// The last `count` non-empty lines of `text` (trailing CR removed).
std::vector<std::string> last_lines(std::string_view text, std::size_t count);

}  // namespace nixtray::tray
