#include "nixtray/text/byte_size.hpp"

#include <array>
#include <cstdlib>

namespace nixtray::text {

namespace {

std::string magnitude(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr std::array<const char*, 6> units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  // Tenths of the unit, rounded half up, in integers (no locale, no float surprises); the unit
  // grows when rounding reaches 1024.0 of it ("1024.0 KiB" is "1.0 MiB").
  std::size_t unit = 0;
  std::uint64_t divisor = 1024;
  // Quotient and remainder apart: bytes * 10 alone could overflow 64 bits.
  const auto tenths = [&] { return bytes / divisor * 10 + (bytes % divisor * 10 + divisor / 2) / divisor; };
  while (tenths() >= 10240 && unit + 1 < units.size()) {
    divisor *= 1024;
    ++unit;
  }
  const auto value = tenths();
  return std::to_string(value / 10) + "." + std::to_string(value % 10) + " " + units[unit];
}

std::uint64_t absolute(std::int64_t bytes) {
  // -INT64_MIN does not fit an int64: negate in unsigned arithmetic.
  return bytes < 0 ? ~static_cast<std::uint64_t>(bytes) + 1 : static_cast<std::uint64_t>(bytes);
}

}  // namespace

std::string format_bytes(std::int64_t bytes) { return (bytes < 0 ? "-" : "") + magnitude(absolute(bytes)); }

std::string format_bytes_delta(std::int64_t bytes, std::string_view minus) {
  if (bytes == 0) return "0 B";
  return (bytes > 0 ? std::string("+") : std::string(minus)) + magnitude(absolute(bytes));
}

}  // namespace nixtray::text
