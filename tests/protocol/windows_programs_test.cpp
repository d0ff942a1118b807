// wsl.exe is started by its absolute path in the system directory, never found through
// CreateProcess's search order (the application's directory, then the current directory), where
// anyone may have put a wsl.exe. Windows only (run under Wine in CI).
#include "catch.hpp"

#if defined(_WIN32)
#include "nixtray/net/windows_child.hpp"

#include <windows.h>

#include <algorithm>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
namespace windows = nixtray::net::windows;
namespace asio = nixtray::net::asio;

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return text;
}

}  // namespace

TEST_CASE("wsl.exe by its bare name is the system directory's, by absolute path") {
  const auto path = windows::system_wsl_path();
  INFO(path);
  CHECK(fs::path(path).is_absolute());
  CHECK(lower(path).ends_with("\\system32\\wsl.exe"));
  CHECK(windows::program_to_start("wsl.exe") == path);
  CHECK(windows::program_to_start("WSL.EXE") == path);
  CHECK(windows::program_to_start("wsl") == path);
  CHECK(windows::program_to_start("C:\\tools\\wsl.exe") == "C:\\tools\\wsl.exe");  // a path the user chose
  CHECK(windows::program_to_start("cmd.exe") == "cmd.exe");
}

TEST_CASE("a wsl.exe planted in the current directory is never started") {
  // The plant: a copy of this very program, which would list its test cases when run.
  std::wstring self(32768, L'\0');
  self.resize(::GetModuleFileNameW(nullptr, self.data(), static_cast<DWORD>(self.size())));
  const auto dir = fs::temp_directory_path() / ("nixtray-plant-" + std::to_string(::GetCurrentProcessId()));
  fs::create_directories(dir);
  fs::copy_file(self, dir / "wsl.exe", fs::copy_options::overwrite_existing);
  const auto previous = fs::current_path();
  fs::current_path(dir);

  asio::io_context io;
  std::string output;
  std::string failure;
  try {
    windows::ChildStreams streams;
    streams.pipe_stdout = true;
    auto child = windows::spawn_child(io.get_executor(), {"wsl.exe", "--list-test-names-only"}, streams);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          std::string buffer(4096, '\0');
          for (;;) {
            auto [ec, n] = co_await child.out->async_read_some(asio::buffer(buffer), nixtray::net::use_nothrow);
            if (ec) break;
            output.append(buffer.data(), n);
          }
        },
        asio::detached);
    io.run();
  } catch (const std::system_error& e) {
    failure = e.what();  // Wine has no wsl.exe in its system directory: refused, not substituted
  }
  fs::current_path(previous);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  INFO("output: " << output << "\nfailure: " << failure);
  CHECK(output.find("a wsl.exe planted in the current directory is never started") == std::string::npos);
  if (!failure.empty()) {
    CHECK(lower(failure).find("\\system32\\wsl.exe") != std::string::npos);
  }
}
#endif
