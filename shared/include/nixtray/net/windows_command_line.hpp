// An argv as one Windows command line. Windows hands a program a single string; the program's C
// runtime (and CommandLineToArgvW, and wsl.exe) split it back into words by the Microsoft C
// runtime's rules: whitespace separates, double quotes group, backslashes are literal except
// before a double quote. Quoting by those rules is the only way to pass an argv through
// CreateProcess word for word, so there is no shell and nothing to inject. Portable code (no
// Windows include), so the quoting is tested on Linux as well as against the real
// CommandLineToArgvW under Wine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nixtray::net {

// One argument, quoted only when it must be (empty, or with whitespace or a double quote).
std::string quote_windows_argument(std::string_view argument);

// The whole command line (UTF-8). The program name (argv[0]) follows simpler rules on Windows
// (no backslash escapes): a name containing a double quote cannot be passed, and throws
// std::invalid_argument.
std::string windows_command_line(const std::vector<std::string>& argv);

// The Microsoft C runtime's splitting (post-2008 rules, as CommandLineToArgvW for the arguments
// after the program name): the inverse of windows_command_line, for tests and for reading
// command texts the way Windows programs would.
std::vector<std::string> split_windows_command_line(std::string_view line);

}  // namespace nixtray::net
