// The Windows platform layer against the real Windows API (run under Wine in CI): child
// processes on overlapped pipes without a console, the C runtime's command-line quoting checked
// against the real CommandLineToArgvW, the Run key in the registry, and a distro's virtual disk
// found through WSL's registry entries.
#include "catch.hpp"

#if defined(_WIN32)
#include "run_on_io.hpp"

#include "core/distro/process_runner.hpp"
#include "core/system/wsl_virtual_disk.hpp"
#include "win/run_key_start_at_login.hpp"

#include "nixtray/net/pipe_stream.hpp"
#include "nixtray/net/windows_child.hpp"
#include "nixtray/net/windows_command_line.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <shellapi.h>
#include <windows.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <tuple>

using namespace nixtray;
using namespace nixtray::tray;
namespace asio = net::asio;

namespace {

template <class T>
T run(asio::awaitable<T> work) {
  return fixtures::run_on_io(std::move(work));
}

std::vector<std::string> windows_split(const std::string& line) {
  int count = 0;
  const auto wide = net::windows::widen(line);
  wchar_t** words = ::CommandLineToArgvW(wide.c_str(), &count);
  REQUIRE(words != nullptr);
  std::vector<std::string> argv;
  for (int i = 0; i < count; ++i) argv.push_back(net::windows::narrow(words[i]));
  ::LocalFree(words);
  return argv;
}

}  // namespace

TEST_CASE("an argv survives the trip through one Windows command line, as CommandLineToArgvW reads it") {
  const std::vector<std::vector<std::string>> cases = {
      {"wsl.exe", "-d", "NixOS", "--exec", "/run/current-system/sw/bin/nixtray-agent", "bridge"},
      {"C:\\Program Files\\nixtray\\bin\\nixtray.exe", "--config", "C:\\Users\\a b\\settings.json"},
      {"prog", "", "two words", "quote\"inside", "trailing\\", "back\\\\slashes\\\\\"and quote", "tab\there"},
      {"prog", "$HOME;ls", "&", "|", "%PATH%", "^", "\u65e2\u5b9a"},
  };
  for (const auto& argv : cases) {
    const auto line = net::windows_command_line(argv);
    INFO(line);
    CHECK(windows_split(line) == argv);
    CHECK(net::split_windows_command_line(line) == argv);
  }
}

TEST_CASE("commands in messages read as Windows command lines: single backslashes, quotes around spaces") {
  CHECK(quote_command_line({"C:\\Windows\\System32\\wsl.exe", "--import", "NixOS", "C:\\Users\\Ana María\\WSL\\NixOS",
                            "Z:\\tmp\\nixos.wsl"}) ==
        "C:\\Windows\\System32\\wsl.exe --import NixOS \"C:\\Users\\Ana María\\WSL\\NixOS\" Z:\\tmp\\nixos.wsl");
}

TEST_CASE("a console program runs without a window, its output and exit code are captured") {
  const auto outcome = run(run_process({"cmd.exe", "/d", "/c", "echo out-line& echo err-line 1>&2& exit 3"}));
  CHECK(outcome.started);
  CHECK_FALSE(outcome.timed_out);
  REQUIRE(outcome.exit_code);
  CHECK(*outcome.exit_code == 3);
  CHECK(outcome.out.find("out-line") != std::string::npos);
  CHECK(outcome.err.find("err-line") != std::string::npos);
  CHECK(outcome.describe().find("exited with 3") != std::string::npos);
}

TEST_CASE("a program that does not exist cannot be started, and says so") {
  const auto outcome = run(run_process({"nixtray-no-such-program.exe", "x"}));
  CHECK_FALSE(outcome.started);
  CHECK(outcome.describe().find("could not be started") != std::string::npos);
  CHECK(outcome.describe().find("nixtray-no-such-program.exe") != std::string::npos);
}

// The child of the next test: this program again, sleeping quietly (a busy child such as cmd's
// endless loop keeps Wine's server so busy on a 2-core machine that the test itself stalls).
TEST_CASE("(the timeout test's child) sleeps for a minute", "[.][sleeper]") {
  std::this_thread::sleep_for(std::chrono::seconds(60));
}

TEST_CASE("a program that does not end is terminated at its timeout") {
  ProcessOptions options;
  // Long enough for the child to be past Wine's process start-up (about 0.3 s idle, seconds on a
  // loaded machine), where a termination request can be lost and the child lives on.
  options.timeout = std::chrono::seconds(3);
  std::wstring self(32768, L'\0');
  self.resize(::GetModuleFileNameW(nullptr, self.data(), static_cast<DWORD>(self.size())));
  const auto outcome = run(run_process({net::windows::narrow(self), "[sleeper]"}, options));
  CHECK(outcome.started);
  CHECK(outcome.timed_out);
  CHECK_FALSE(outcome.ok());
}

TEST_CASE("the exec transport talks to a child through its stdin and stdout") {
  asio::io_context io;
  std::string echoed;
  net::error_code write_error;
  std::size_t written = 0;
  const std::string line = "hello-bridge\r\n";
  // Catch's assertions stay outside the coroutine (GCC 12 cannot put their statics in its frame).
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        // cmd reads one line from its stdin and writes it back: a line out for a line in.
        const std::vector<std::string> argv{"cmd.exe", "/d", "/v:on", "/c", "set /p line=&echo got:!line!"};
        auto stream = net::spawn_command_stream(co_await asio::this_coro::executor, argv);
        std::vector<asio::const_buffer> buffers{asio::buffer(line)};
        auto write = stream->write_all(buffers);
        std::tie(write_error, written) = co_await std::move(write);
        std::string buffer(256, '\0');
        while (echoed.find('\n') == std::string::npos) {
          auto read = stream->read_some(asio::buffer(buffer));
          auto [read_error, n] = co_await std::move(read);
          echoed.append(buffer.data(), n);
          if (read_error) break;
        }
        stream->close();
      },
      [](std::exception_ptr error) {
        if (error) std::rethrow_exception(error);
      });
  io.run();
  CHECK_FALSE(write_error);
  CHECK(written == line.size());
  CHECK(echoed.find("got:hello-bridge") != std::string::npos);
}

TEST_CASE("start at login is a value in the Run key, quoted, and switching off removes it") {
  platform::RunKeyOptions options;
  options.key = "Software\\nixtray-test\\Run";  // not the real Run key
  options.executable = "C:\\Program Files\\nixtray\\bin\\nixtray.exe";
  options.arguments = {"--config", "C:\\Users\\a b\\settings.json"};
  platform::RunKeyStartAtLogin run_key(options);
  REQUIRE(run_key.set_enabled(false).ok);
  CHECK_FALSE(run_key.enabled());

  REQUIRE(run_key.set_enabled(true).ok);
  CHECK(run_key.enabled());
  CHECK(run_key.current_value() ==
        "\"C:\\Program Files\\nixtray\\bin\\nixtray.exe\" --config \"C:\\Users\\a b\\settings.json\"");
  CHECK(windows_split(run_key.current_value()) ==
        std::vector<std::string>{options.executable, "--config", "C:\\Users\\a b\\settings.json"});

  REQUIRE(run_key.set_enabled(false).ok);
  CHECK_FALSE(run_key.enabled());
  ::RegDeleteTreeW(HKEY_CURRENT_USER, L"Software\\nixtray-test");
}

namespace {

// A distro as WSL registers it, under a test key of HKEY_CURRENT_USER (never WSL's own).
void register_distro(const std::wstring& key, const std::wstring& guid, const std::wstring& name,
                     const std::wstring& base, const std::wstring& vhd_file_name = {}) {
  HKEY entry = nullptr;
  REQUIRE(::RegCreateKeyExW(HKEY_CURRENT_USER, (key + L"\\" + guid).c_str(), 0, nullptr, 0, KEY_WRITE, nullptr, &entry,
                            nullptr) == ERROR_SUCCESS);
  const auto put = [entry](const wchar_t* value_name, const std::wstring& value) {
    REQUIRE(::RegSetValueExW(entry, value_name, 0, REG_SZ, reinterpret_cast<const BYTE*>(value.c_str()),
                             static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t))) == ERROR_SUCCESS);
  };
  put(L"DistributionName", name);
  put(L"BasePath", base);
  if (!vhd_file_name.empty()) put(L"VhdFileName", vhd_file_name);
  ::RegCloseKey(entry);
}

void write_bytes(const std::filesystem::path& file, std::size_t size) {
  std::ofstream out(file, std::ios::binary);
  out << std::string(size, 'x');
}

}  // namespace

TEST_CASE("a distro's virtual disk is found through WSL's registry entries, with its size on Windows") {
  const std::string key = "Software\\nixtray-test\\Lxss";
  const auto wide_key = net::windows::widen(key);
  ::RegDeleteTreeW(HKEY_CURRENT_USER, L"Software\\nixtray-test");
  CHECK_FALSE(wsl_virtual_disk("NixOS", key));  // no key at all

  testing::TempDir nixos_dir("nxvhd");
  testing::TempDir other_dir("nxvhd");
  write_bytes(nixos_dir / "ext4.vhdx", 3 * 1024 * 1024 + 5);
  write_bytes(other_dir / "disk.vhdx", 4096);
  // WSL writes BasePath with the long-path prefix on some versions; newer ones name the file.
  register_distro(wide_key, L"{11111111-2222-3333-4444-555555555555}", L"Ubuntu", other_dir.path().wstring(),
                  L"disk.vhdx");
  register_distro(wide_key, L"{66666666-7777-8888-9999-000000000000}", L"NixOS",
                  L"\\\\?\\" + nixos_dir.path().wstring());

  const auto nixos = wsl_virtual_disk("NixOS", key);
  REQUIRE(nixos);
  CHECK(nixos->bytes == 3 * 1024 * 1024 + 5);
  CHECK(std::filesystem::path(net::windows::widen(nixos->file)) == nixos_dir / "ext4.vhdx");
  CHECK(wsl_virtual_disk("nixos", key));  // WSL's names are not case-sensitive
  const auto other = wsl_virtual_disk("Ubuntu", key);
  REQUIRE(other);
  CHECK(other->bytes == 4096);
  CHECK_FALSE(wsl_virtual_disk("Debian", key));  // not registered

  std::filesystem::remove(nixos_dir / "ext4.vhdx");
  CHECK_FALSE(wsl_virtual_disk("NixOS", key));  // registered, but no disk (WSL 1, or moved)
  ::RegDeleteTreeW(HKEY_CURRENT_USER, L"Software\\nixtray-test");
}

#endif
