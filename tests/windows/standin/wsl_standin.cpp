// TEST STAND-IN for Windows' wsl.exe: built as wsl.exe (in a directory of its own) for the Wine
// tests of tests/windows, never installed or shipped. Wine has no WSL, so this program plays it,
// after the real wsl.exe's observable behaviour (microsoft/WSL's WslClient.cpp and its docs):
//
//   wsl.exe -l|--list [--running] [--quiet|-q]   distro names, one per line, CRLF, UTF-16LE without
//                                                a BOM (UTF-8 when WSL_UTF8=1). With --running and
//                                                nothing running: nothing and exit 0 when quiet,
//                                                else "There are no running distributions." and -1.
//   wsl.exe -t|--terminate <distro>              marks it stopped; "The operation completed successfully."
//   wsl.exe --shutdown                           marks every distro stopped; prints nothing
//   wsl.exe --import <distro> <folder> <file> [--version 2]   registers a stopped distro: the folder
//                                                is created and the file copied into it as ext4.vhdx
//                                                (the real one unpacks it into a new disk); a taken
//                                                name or a missing file is refused with -1
//   wsl.exe [-d <distro>] [-u <user>] -e|--exec <argv...>   (or `-- <argv...>`: through the login shell)
//                                                starts the distro (marks it running), then runs argv
//                                                "inside" it: see the relay below.
//   an unknown distro: "There is no distribution with the supplied name." and the error code line on
//   stdout (wsl.exe's own messages go to stdout), exit code -1 (0xFFFFFFFF), as the real one.
//
// The distros and their state live in the file named by NIXTRAY_WSL_STANDIN_STATE (a Windows path),
// one `<name>\t<running|stopped>` line each, in `wsl -l` order; the first is the default distro.
// The test writes it; this program rewrites it (whole file, replaced by a rename).
//
// Linux programs cannot run under Wine, so --exec hands the command to a relay on the Linux side
// (tests/windows/wsl_standin_relay.py) at NIXTRAY_WSL_STANDIN_RELAY=127.0.0.1:PORT: it sends one
// header line `exec|shell US distro US user US arg0 US arg1 ... LF` (US = 0x1F), reads one reply
// line, `ok` (then stdin and stdout are relayed byte for byte until the relay closes) or
// `exit N [message]` (the command ran, or was refused, without a stream). A relayed stream has no
// exit status of its own: 0 when the relay ends it, 1 when the distro was terminated meanwhile
// (WSL kills a distro's processes when it stops).
// winsock2.h before windows.h, windows.h before shellapi.h: blocks of their own, so that sorting the
// includes keeps that order.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <windows.h>

#include <shellapi.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

constexpr int wsl_error = -1;  // wsl.exe's exit code for its own failures (0xFFFFFFFF)

std::string utf8(const std::wstring& text) {
  if (text.empty()) return {};
  const int size =
      WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size, nullptr, nullptr);
  return out;
}

std::wstring wide(const std::string& text) {
  if (text.empty()) return {};
  const int size = MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(size), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), size);
  return out;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

bool write_all(HANDLE handle, const char* data, std::size_t size) {
  while (size > 0) {
    DWORD written = 0;
    if (!WriteFile(handle, data, static_cast<DWORD>(std::min<std::size_t>(size, 1 << 16)), &written, nullptr) ||
        written == 0) {
      return false;
    }
    data += written;
    size -= written;
  }
  return true;
}

// wsl.exe's own messages: UTF-16LE on stdout, each line ending in CRLF.
void say(const std::string& line) {
  const auto text = line + "\r\n";
  if (environment("WSL_UTF8") == "1") {
    write_all(GetStdHandle(STD_OUTPUT_HANDLE), text.data(), text.size());
    return;
  }
  const auto utf16 = wide(text);  // wchar_t is UTF-16LE on Windows
  write_all(GetStdHandle(STD_OUTPUT_HANDLE), reinterpret_cast<const char*>(utf16.data()),
            utf16.size() * sizeof(wchar_t));
}

// Diagnostics of the stand-in itself (not wsl.exe's): plain text on stderr.
void complain(const std::string& line) {
  const auto text = "wsl.exe stand-in: " + line + "\n";
  write_all(GetStdHandle(STD_ERROR_HANDLE), text.data(), text.size());
}

int no_such_distro() {
  say("There is no distribution with the supplied name.");
  say("Error code: Wsl/Service/WSL_E_DISTRO_NOT_FOUND");
  return wsl_error;
}

int invalid_option(const std::string& option) {
  say("Invalid command line option: " + option);
  return wsl_error;
}

struct Distro {
  std::string name;
  bool running = false;
};

std::wstring state_path() { return wide(environment("NIXTRAY_WSL_STANDIN_STATE")); }

std::vector<Distro> load_state() {
  std::vector<Distro> distros;
  const HANDLE file =
      CreateFileW(state_path().c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return distros;  // no file: no distro installed
  std::string text;
  char buffer[4096];
  DWORD got = 0;
  while (ReadFile(file, buffer, sizeof buffer, &got, nullptr) && got > 0) text.append(buffer, got);
  CloseHandle(file);
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto tab = line.find('\t');
    if (line.empty() || tab == 0) continue;
    distros.push_back({line.substr(0, tab), tab != std::string::npos && line.substr(tab + 1) == "running"});
  }
  return distros;
}

bool save_state(const std::vector<Distro>& distros) {
  std::string text;
  for (const auto& distro : distros) text += distro.name + (distro.running ? "\trunning\n" : "\tstopped\n");
  // Another stand-in may read at any moment: write a copy, then rename it over the file.
  const auto temporary = state_path() + L"." + std::to_wstring(GetCurrentProcessId()) + L".tmp";
  const HANDLE file =
      CreateFileW(temporary.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return false;
  const bool written = write_all(file, text.data(), text.size());
  CloseHandle(file);
  return written && MoveFileExW(temporary.c_str(), state_path().c_str(), MOVEFILE_REPLACE_EXISTING);
}

// WSL compares distro names without regard to ASCII case.
bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

Distro* find(std::vector<Distro>& distros, const std::string& name) {
  for (auto& distro : distros) {
    if (same_name(distro.name, name)) return &distro;
  }
  return nullptr;
}

int list(bool running_only, bool quiet) {
  auto distros = load_state();
  if (running_only) {
    std::erase_if(distros, [](const Distro& d) { return !d.running; });
    if (distros.empty() && !quiet) {
      say("There are no running distributions.");
      return wsl_error;
    }
  }
  if (!quiet) {
    if (distros.empty()) {
      say("Windows Subsystem for Linux has no installed distributions.");
      return wsl_error;
    }
    say("Windows Subsystem for Linux Distributions:");
  }
  const auto all = load_state();
  for (const auto& distro : distros) {
    const bool is_default = !all.empty() && same_name(all.front().name, distro.name);
    say(quiet || !is_default ? distro.name : distro.name + " (Default)");
  }
  return 0;
}

int terminate(const std::string& name) {
  auto distros = load_state();
  auto* distro = find(distros, name);
  if (!distro) return no_such_distro();
  distro->running = false;
  if (!save_state(distros)) {
    complain("cannot write the state file");
    return 1;
  }
  say("The operation completed successfully.");
  return 0;
}

int shutdown_all() {
  auto distros = load_state();
  for (auto& distro : distros) distro.running = false;
  if (!save_state(distros)) {
    complain("cannot write the state file");
    return 1;
  }
  return 0;
}

int import_distro(const std::string& name, const std::string& folder, const std::string& file) {
  auto distros = load_state();
  if (find(distros, name)) {
    say("A distribution with the supplied name already exists.");
    say("Error code: Wsl/Service/RegisterDistro/ERROR_ALREADY_EXISTS");
    return wsl_error;
  }
  if (GetFileAttributesW(wide(file).c_str()) == INVALID_FILE_ATTRIBUTES) {
    say("The system cannot find the file specified.");
    say("Error code: Wsl/Service/RegisterDistro/ERROR_FILE_NOT_FOUND");
    return wsl_error;
  }
  say("Import in progress, this may take a few minutes.");
  const auto disk = wide(folder) + L"\\ext4.vhdx";
  CreateDirectoryW(wide(folder).c_str(), nullptr);  // one level only: its parent must exist
  if (!CopyFileW(wide(file).c_str(), disk.c_str(), TRUE)) {
    say("The system cannot find the path specified.");
    say("Error code: Wsl/Service/RegisterDistro/ERROR_PATH_NOT_FOUND");
    return wsl_error;
  }
  distros.push_back({name, false});
  if (!save_state(distros)) {
    complain("cannot write the state file");
    return 1;
  }
  say("The operation completed successfully.");
  return 0;
}

bool still_running(const std::string& name) {
  auto distros = load_state();
  const auto* distro = find(distros, name);
  return distro && distro->running;
}

SOCKET connect_relay(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return INVALID_SOCKET;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(address.substr(0, colon).c_str(), address.substr(colon + 1).c_str(), &hints, &found) != 0) {
    return INVALID_SOCKET;
  }
  SOCKET s = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (s != INVALID_SOCKET && connect(s, found->ai_addr, static_cast<int>(found->ai_addrlen)) != 0) {
    closesocket(s);
    s = INVALID_SOCKET;
  }
  freeaddrinfo(found);
  return s;
}

bool send_all(SOCKET s, const char* data, std::size_t size) {
  while (size > 0) {
    const int sent = send(s, data, static_cast<int>(std::min<std::size_t>(size, 1 << 16)), 0);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<std::size_t>(sent);
  }
  return true;
}

// The bytes are the Linux program's own: no re-encoding, as wsl.exe passes them through.
int relay_stream(SOCKET s, const std::string& distro) {
  std::atomic<bool> terminated{false};
  std::atomic<bool> done{false};
  std::thread input([s] {
    char buffer[1 << 16];
    DWORD got = 0;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), buffer, sizeof buffer, &got, nullptr) && got > 0) {
      if (!send_all(s, buffer, got)) return;
    }
    shutdown(s, SD_SEND);  // the Linux side sees end of input
  });
  input.detach();  // a ReadFile blocked on our stdin cannot be woken portably; exit ends it
  std::thread watch([&] {
    while (!done) {
      Sleep(200);
      if (!done && !still_running(distro)) {
        terminated = true;
        shutdown(s, SD_BOTH);
        return;
      }
    }
  });
  char buffer[1 << 16];
  for (;;) {
    const int got = recv(s, buffer, sizeof buffer, 0);
    if (got <= 0 || !write_all(GetStdHandle(STD_OUTPUT_HANDLE), buffer, static_cast<std::size_t>(got))) break;
  }
  done = true;
  watch.join();
  closesocket(s);
  return terminated ? 1 : 0;
}

int run_inside(const std::string& name, const std::string& user, bool through_shell,
               const std::vector<std::string>& argv) {
  auto distros = load_state();
  auto* distro = find(distros, name);
  if (!distro) return no_such_distro();
  if (argv.empty()) {
    complain("an interactive shell is not supported: give --exec <argv>");
    return 1;
  }
  if (!distro->running) {
    distro->running = true;  // WSL boots a stopped distro for its first command
    if (!save_state(distros)) {
      complain("cannot write the state file");
      return 1;
    }
  }
  std::string header = through_shell ? "shell" : "exec";
  for (const auto& field : std::vector<std::string>{distro->name, user}) header += '\x1f' + field;
  for (const auto& arg : argv) {
    if (arg.find_first_of("\n\x1f") != std::string::npos) {
      complain("an argument with a newline cannot be relayed");
      return 1;
    }
    header += '\x1f' + arg;
  }
  header += '\n';

  const auto relay = environment("NIXTRAY_WSL_STANDIN_RELAY");
  if (relay.empty()) {
    complain("NIXTRAY_WSL_STANDIN_RELAY is not set: nothing runs Linux commands for this stand-in");
    return 1;
  }
  WSADATA wsa;
  WSAStartup(MAKEWORD(2, 2), &wsa);
  const SOCKET s = connect_relay(relay);
  if (s == INVALID_SOCKET) {
    complain("cannot connect to the relay at " + relay);
    return 1;
  }
  std::string reply;
  char c = 0;
  if (!send_all(s, header.data(), header.size())) reply = "exit 1 the relay closed the connection";
  while (reply.empty() || reply.back() != '\n') {
    if (recv(s, &c, 1, 0) != 1) break;
    reply += c;
  }
  if (!reply.empty() && reply.back() == '\n') reply.pop_back();
  if (reply == "ok") return relay_stream(s, distro->name);
  closesocket(s);
  if (reply.rfind("exit ", 0) != 0) {
    complain("the relay answered \"" + reply + "\"");
    return 1;
  }
  const auto code_end = reply.find(' ', 5);
  if (code_end != std::string::npos) complain(reply.substr(code_end + 1));
  return std::atoi(reply.substr(5, code_end == std::string::npos ? std::string::npos : code_end - 5).c_str());
}

int stand_in(const std::vector<std::string>& args) {
  if (environment("NIXTRAY_WSL_STANDIN_STATE").empty()) {
    complain("NIXTRAY_WSL_STANDIN_STATE is not set: it names the stand-in's state file");
    return 1;
  }
  bool listing = false, running_only = false, quiet = false;
  std::string distro, user;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    const bool has_value = i + 1 < args.size();
    if (arg == "-l" || arg == "--list") {
      listing = true;
    } else if (listing && arg == "--running") {
      running_only = true;
    } else if (listing && (arg == "--quiet" || arg == "-q")) {
      quiet = true;
    } else if ((arg == "-t" || arg == "--terminate") && has_value) {
      return terminate(args[i + 1]);
    } else if (arg == "--shutdown") {
      return shutdown_all();
    } else if (arg == "--import" && i + 3 < args.size()) {
      const bool version_ok =
          i + 4 == args.size() || (i + 6 == args.size() && args[i + 4] == "--version" && args[i + 5] == "2");
      if (!version_ok) return invalid_option(args[i + 4]);
      return import_distro(args[i + 1], args[i + 2], args[i + 3]);
    } else if ((arg == "-d" || arg == "--distribution") && has_value) {
      distro = args[++i];
    } else if ((arg == "-u" || arg == "--user") && has_value) {
      user = args[++i];
    } else if (arg == "-e" || arg == "--exec" || arg == "--") {
      if (distro.empty()) {
        const auto distros = load_state();
        if (distros.empty()) return no_such_distro();
        distro = distros.front().name;
      }
      return run_inside(distro, user, arg == "--", {args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end()});
    } else {
      return invalid_option(arg);
    }
  }
  if (listing) return list(running_only, quiet);
  complain("an interactive shell is not supported: give --exec <argv>");
  return 1;
}

}  // namespace

int main() {
  int count = 0;
  wchar_t** wide_args = CommandLineToArgvW(GetCommandLineW(), &count);
  std::vector<std::string> args;
  for (int i = 1; i < count; ++i) args.push_back(utf8(wide_args[i]));
  LocalFree(wide_args);
  return stand_in(args);
}
