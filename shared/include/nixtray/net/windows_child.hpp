// Child processes on Windows, for the exec: transport (wsl.exe ... nixtray-agent bridge) and the
// tray's commands (wsl.exe --terminate, -l --quiet, ...). Their standard streams are overlapped
// named pipes, because anonymous pipes cannot do overlapped I/O and Asio needs it; only the
// child's pipe ends are inherited (an explicit handle list), and CREATE_NO_WINDOW keeps a console
// from flashing up when a GUI program starts a console one. The argv becomes one command line by
// the C runtime's quoting rules (windows_command_line.hpp): no shell is involved.
#pragma once

#if defined(_WIN32)
#include "nixtray/net/asio.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::net::windows {

std::wstring widen(std::string_view utf8);
std::string narrow(std::wstring_view utf16);

// A Windows error code as words ("The system cannot find the file specified.").
std::string error_text(unsigned long code);

struct ChildStreams {
  bool pipe_stdin = false;   // else NUL
  bool pipe_stdout = true;   // else NUL
  bool pipe_stderr = false;  // else ours when we have one (a console program), NUL otherwise
};

struct Child {
  explicit Child(const asio::any_io_executor& executor) : process(executor) {}
  asio::windows::object_handle process;  // signalled when it exits
  unsigned long pid = 0;
  std::optional<asio::windows::stream_handle> in;   // we write its stdin
  std::optional<asio::windows::stream_handle> out;  // we read its stdout
  std::optional<asio::windows::stream_handle> err;  // we read its stderr
};

// wsl.exe in the system directory (GetSystemDirectoryW, normally C:\Windows\System32), by its
// absolute path.
std::string system_wsl_path();

// What argv[0] starts: `wsl` or `wsl.exe` given by its bare name is system_wsl_path(), never what
// CreateProcess's search order finds first (the application's directory, then the current one,
// where anyone may have put a wsl.exe). Any other name is left to that search.
std::string program_to_start(const std::string& argv0);

// Starts argv[0] (see program_to_start; else searched as CreateProcess does: our directory, the
// current directory, System32, PATH; ".exe" added).
// Throws std::system_error naming the program when it cannot start.
Child spawn_child(const asio::any_io_executor& executor, const std::vector<std::string>& argv,
                  const ChildStreams& streams);

// Starts a program for a person (a terminal) in its own console window, inheriting nothing, and
// lets it go. Returns an empty string, or why it could not be started.
std::string start_detached(const std::vector<std::string>& argv);

// The exit code of a process that has ended (its handle is signalled).
unsigned long exit_code_of(asio::windows::object_handle& process);

}  // namespace nixtray::net::windows
#endif
