// Parses what `wsl.exe -l --quiet` and `wsl.exe -l --running --quiet` print: one distro name per
// line. wsl.exe writes UTF-16LE (with or without a BOM) unless WSL_UTF8=1 makes it write UTF-8;
// lines end in CRLF; blank lines occur. The localized header of `wsl -l` is never parsed, but a
// default-distro marker ("* Name", "Name (Default)", "Name (既定)") is recognized if present.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

struct WslDistro {
  std::string name;  // UTF-8
  bool is_default = false;
};

enum class WslOutputEncoding { utf8, utf16le };

// Guesses the encoding: a BOM decides; otherwise a NUL byte means UTF-16LE (WSL names never
// contain NUL, and ASCII in UTF-16LE always does), and invalid UTF-8 of even length too.
// (A header line, which ends in a colon, is skipped, so plain `wsl -l` output parses too.)
WslOutputEncoding detect_wsl_output_encoding(std::string_view bytes);

// The output as UTF-8, BOM removed; invalid sequences become U+FFFD.
std::string decode_wsl_output(std::string_view bytes);

std::vector<WslDistro> parse_wsl_list(std::string_view bytes);

// WSL compares distro names case-insensitively (ASCII).
bool same_distro_name(std::string_view a, std::string_view b);
bool contains_distro(const std::vector<WslDistro>& distros, std::string_view name);

}  // namespace nixtray::tray
