// An argv as one Windows command line (how nixtray passes words through CreateProcess and the
// Run key): quoting by the C runtime's rules and splitting back give the same words. The Windows
// build checks the same lines against the real CommandLineToArgvW (tests/tray/windows_platform_test.cpp).
#include "catch.hpp"

#include "nixtray/net/windows_command_line.hpp"

using nixtray::net::quote_windows_argument;
using nixtray::net::split_windows_command_line;
using nixtray::net::windows_command_line;

TEST_CASE("plain words are not quoted, words with spaces, quotes or nothing are") {
  CHECK(quote_windows_argument("--exec") == "--exec");
  CHECK(quote_windows_argument("C:\\dir\\file") == "C:\\dir\\file");
  CHECK(quote_windows_argument("") == "\"\"");
  CHECK(quote_windows_argument("two words") == "\"two words\"");
  CHECK(quote_windows_argument("say \"hi\"") == "\"say \\\"hi\\\"\"");
  // Backslashes are literal, except before a quote (also the closing one).
  CHECK(quote_windows_argument("C:\\a b\\") == "\"C:\\a b\\\\\"");
  CHECK(quote_windows_argument("a\\\"b") == "\"a\\\\\\\"b\"");
}

TEST_CASE("an argv survives the trip through one command line") {
  const std::vector<std::vector<std::string>> cases = {
      {"wsl.exe", "-d", "NixOS", "--exec", "/run/current-system/sw/bin/nixtray-agent", "bridge"},
      {"C:\\Program Files\\nixtray\\bin\\nixtray.exe", "--config", "C:\\Users\\a b\\settings.json"},
      {"prog", "", "two words", "quote\"inside", "trailing\\", "back\\\\slashes\\\\\"and quote", "tab\there"},
      {"prog", "$HOME;ls", "&", "|", "%PATH%", "^", "\u65e2\u5b9a"},
  };
  for (const auto& argv : cases) {
    const auto line = windows_command_line(argv);
    INFO(line);
    CHECK(split_windows_command_line(line) == argv);
  }
}

TEST_CASE("a program name with a double quote cannot be passed") {
  CHECK_THROWS_AS(windows_command_line({"a\"b.exe"}), std::invalid_argument);
  CHECK_THROWS_AS(windows_command_line({}), std::invalid_argument);
}

TEST_CASE("splitting follows the runtime's rules for doubled quotes and backslashes") {
  CHECK(split_windows_command_line(R"(p "a ""b"" c" d\\"e f" \\\"g)") ==
        std::vector<std::string>{"p", "a \"b\" c", "d\\e f", "\\\"g"});
  CHECK(split_windows_command_line("\"C:\\Program Files\\x.exe\" a\\b") ==
        std::vector<std::string>{"C:\\Program Files\\x.exe", "a\\b"});
}
