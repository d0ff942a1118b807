#include "catch.hpp"

#include "core/distro/wsl_list_parser.hpp"

#include <fstream>
#include <sstream>

using namespace nixtray::tray;

namespace {

std::string sample(const std::string& name) {
  std::ifstream in(std::string(NIXTRAY_TRAY_TEST_DATA_DIR) + "/wsl/" + name, std::ios::binary);
  REQUIRE(in);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<std::string> names(const std::vector<WslDistro>& distros) {
  std::vector<std::string> out;
  for (const auto& d : distros) out.push_back(d.name);
  return out;
}

const std::string nixos = "NixOS";
const std::string ubuntu = "Ubuntu-22.04";
const std::string kaihatsu = "\xE9\x96\x8B\xE7\x99\xBA\xE7\x94\xA8";            // 開発用
const std::string test_ubuntu = "\xE3\x83\x86\xE3\x82\xB9\xE3\x83\x88-Ubuntu";  // テスト-Ubuntu

}  // namespace

TEST_CASE("wsl -l --quiet in UTF-16LE without BOM (wsl.exe's default)") {
  // Byte for byte what wsl.exe writes for two distros.
  const std::string bytes(
      "N\0i\0x\0O\0S\0\r\0\n\0U\0b\0u\0n\0t\0u\0-\0"
      "2\0"
      "2\0.\0"
      "0\0"
      "4\0\r\0\n\0",
      42);
  CHECK(bytes == sample("l-quiet.utf16le.bin"));
  CHECK(detect_wsl_output_encoding(bytes) == WslOutputEncoding::utf16le);
  const auto distros = parse_wsl_list(bytes);
  CHECK(names(distros) == std::vector<std::string>{nixos, ubuntu});
  CHECK_FALSE(distros[0].is_default);
}

TEST_CASE("wsl -l --quiet in UTF-16LE with a BOM") {
  const auto bytes = sample("l-quiet.utf16le-bom.bin");
  REQUIRE(bytes.substr(0, 2) == "\xFF\xFE");
  CHECK(names(parse_wsl_list(bytes)) == std::vector<std::string>{nixos, ubuntu});
}

TEST_CASE("wsl -l --quiet in UTF-8 (WSL_UTF8=1)") {
  const auto bytes = sample("l-quiet.utf8.bin");
  CHECK(bytes == "NixOS\r\nUbuntu-22.04\r\n");
  CHECK(detect_wsl_output_encoding(bytes) == WslOutputEncoding::utf8);
  CHECK(names(parse_wsl_list(bytes)) == std::vector<std::string>{nixos, ubuntu});
}

TEST_CASE("CJK distro names in UTF-16LE, with a trailing blank line") {
  const auto bytes = sample("l-quiet.cjk.utf16le.bin");
  // 開 is U+958B: 8B 95 in UTF-16LE, no NUL byte in it.
  CHECK(bytes.substr(14, 2) == "\x8B\x95");
  CHECK(names(parse_wsl_list(bytes)) == std::vector<std::string>{nixos, kaihatsu, test_ubuntu});
}

TEST_CASE("CJK distro names in UTF-8 with a BOM") {
  CHECK(names(parse_wsl_list(sample("l-quiet.cjk.utf8-bom.bin"))) ==
        std::vector<std::string>{nixos, kaihatsu, test_ubuntu});
}

TEST_CASE("UTF-16LE made only of CJK characters has no NUL, but is not valid UTF-8") {
  // 開発用 alone, without line ending: 8B 95 7A 76 28 75.
  const std::string bytes("\x8B\x95\x7A\x76\x28\x75", 6);
  CHECK(detect_wsl_output_encoding(bytes) == WslOutputEncoding::utf16le);
  CHECK(names(parse_wsl_list(bytes)) == std::vector<std::string>{kaihatsu});
}

TEST_CASE("wsl -l --running --quiet: one distro, or none") {
  CHECK(names(parse_wsl_list(sample("l-running-quiet.one.utf16le.bin"))) == std::vector<std::string>{nixos});
  CHECK(parse_wsl_list(sample("l-running-quiet.none.utf16le.bin")).empty());
  CHECK(parse_wsl_list(std::string("\xFF\xFE", 2)).empty());
  CHECK(parse_wsl_list("\r\n\r\n  \r\n").empty());
}

TEST_CASE("the default-distro marker of wsl -l is recognized, the localized header skipped") {
  auto distros = parse_wsl_list(sample("l.en.utf16le.bin"));
  REQUIRE(names(distros) == std::vector<std::string>{nixos, ubuntu});
  CHECK(distros[0].is_default);
  CHECK_FALSE(distros[1].is_default);

  distros = parse_wsl_list(sample("l.ja.utf16le.bin"));
  REQUIRE(names(distros) == std::vector<std::string>{ubuntu, nixos});
  CHECK(distros[0].is_default);
  CHECK_FALSE(distros[1].is_default);

  distros = parse_wsl_list("* NixOS\r\n  Ubuntu\r\n");
  REQUIRE(names(distros) == std::vector<std::string>{nixos, "Ubuntu"});
  CHECK(distros[0].is_default);
}

TEST_CASE("surrogate pairs decode, broken ones become U+FFFD") {
  // U+1F600 as D83D DE00, then a lone high surrogate D800 before CR LF.
  const std::string bytes("A\0\x3D\xD8\x00\xDE\r\0\n\0\x00\xD8\r\0\n\0", 16);
  const auto distros = parse_wsl_list(bytes);
  REQUIRE(distros.size() == 2);
  CHECK(distros[0].name == "A\xF0\x9F\x98\x80");
  CHECK(distros[1].name == "\xEF\xBF\xBD");
}

TEST_CASE("a dangling odd byte of UTF-16LE output is dropped") {
  const std::string bytes("N\0i\0x\0O\0S\0\r\0\n\0X", 15);
  CHECK(names(parse_wsl_list(bytes)) == std::vector<std::string>{nixos});
}

TEST_CASE("invalid UTF-8 bytes in UTF-8 output become U+FFFD") {
  // Odd length: it cannot be UTF-16LE.
  CHECK(decode_wsl_output("NixOS\xC0!") == "NixOS\xEF\xBF\xBD!");
}

TEST_CASE("distro names compare case-insensitively, as WSL does") {
  const auto distros = parse_wsl_list(sample("l-quiet.utf8.bin"));
  CHECK(contains_distro(distros, "nixos"));
  CHECK(contains_distro(distros, "UBUNTU-22.04"));
  CHECK_FALSE(contains_distro(distros, "NixOS2"));
  CHECK(same_distro_name(kaihatsu, kaihatsu));
}
