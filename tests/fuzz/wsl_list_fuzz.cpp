// What wsl.exe -l --quiet printed, in any encoding, through parse_wsl_list. Oracle: no crash, and
// the encoding does not change the names. From any input we take a UTF-8 text without NUL (the
// input itself when it is one) and parse it as UTF-8 and as UTF-16LE: with a BOM both must give
// the same distros; without a BOM too whenever the UTF-16LE holds a NUL byte, which is the
// documented detection rule (wsl_list_parser.hpp).
#include "core/distro/wsl_list_parser.hpp"
#include "fuzz_oracle.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace nixtray::tray;
using nixtray::fuzz::require;

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr std::string_view utf16le_bom = "\xFF\xFE";

// Valid UTF-8 in, UTF-16LE out (the parser's decoder is what is under test, so not reused).
std::string utf8_to_utf16le(std::string_view text) {
  std::string out;
  const auto unit = [&](std::uint32_t u) {
    out.push_back(static_cast<char>(u & 0xFF));
    out.push_back(static_cast<char>(u >> 8));
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    std::uint32_t cp = length == 1 ? lead : length == 2 ? lead & 0x1F : length == 3 ? lead & 0x0F : lead & 0x07;
    for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += length;
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

bool same_distros(const std::vector<WslDistro>& a, const std::vector<WslDistro>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const WslDistro& x, const WslDistro& y) {
    return x.name == y.name && x.is_default == y.is_default;
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto distros = parse_wsl_list(bytes);
  for (const auto& distro : distros) {
    require(!distro.name.empty(), "an empty distro name");
    require(contains_distro(distros, distro.name), "contains_distro misses a parsed name");
  }

  // decode_wsl_output gives valid UTF-8 (BOM removed); for an input that is valid UTF-8 without
  // NUL and without BOM it is the input itself.
  std::string text = decode_wsl_output(bytes);
  std::erase(text, '\0');
  const auto utf16 = utf8_to_utf16le(text);
  const auto plain = parse_wsl_list(text);
  const auto utf8_with_bom = parse_wsl_list(std::string(utf8_bom) + text);
  require(same_distros(utf8_with_bom, parse_wsl_list(std::string(utf16le_bom) + utf16)),
          "UTF-16LE with BOM gives other distros than UTF-8 with BOM");
  // A leading U+FEFF in the text is itself taken as the BOM, in either encoding.
  if (!text.starts_with(utf8_bom)) {
    require(same_distros(plain, utf8_with_bom), "a UTF-8 BOM changes the distros");
  }
  // Without a BOM the detection rules apply in their documented order: bytes that begin like a
  // UTF-8 BOM (U+BBEF then U+xxBF) are read as UTF-8, then a NUL byte means UTF-16LE.
  const bool read_as_utf16 =
      utf16.starts_with(utf16le_bom) || (!utf16.starts_with(utf8_bom) && utf16.find('\0') != std::string::npos);
  if (read_as_utf16) {
    require(same_distros(plain, parse_wsl_list(utf16)), "UTF-16LE without BOM gives other distros than UTF-8");
  }
  return 0;
}
