// The one byte formatter every program uses (nixtray/text/byte_size.hpp): IEC units, one decimal.
#include "nixtray/text/byte_size.hpp"
#include "catch.hpp"

#include <cstdint>
#include <limits>

using nixtray::text::format_bytes;
using nixtray::text::format_bytes_delta;

TEST_CASE("byte counts are written in IEC units with one decimal") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(812) == "812 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1024) == "1.0 KiB");
  CHECK(format_bytes(1229) == "1.2 KiB");
  CHECK(format_bytes(1075) == "1.0 KiB");             // 1.0498: rounds down
  CHECK(format_bytes(1076) == "1.1 KiB");             // 1.0508: rounds up
  CHECK(format_bytes(1024 * 1024 - 1) == "1.0 MiB");  // 1023.999 KiB rounds to the next unit
  CHECK(format_bytes(1024 * 1024 - 60) == "1023.9 KiB");
  CHECK(format_bytes(std::int64_t{5} * 1024 * 1024 * 1024 + 429496730) == "5.4 GiB");
  CHECK(format_bytes(std::int64_t{3} << 40) == "3.0 TiB");
  CHECK(format_bytes(std::numeric_limits<std::int64_t>::max()) == "8.0 EiB");
  CHECK(format_bytes(-1536) == "-1.5 KiB");
  CHECK(format_bytes(std::numeric_limits<std::int64_t>::min()) == "-8.0 EiB");
}

TEST_CASE("byte differences carry their sign, the minus sign as the caller wants it") {
  CHECK(format_bytes_delta(0) == "0 B");
  CHECK(format_bytes_delta(2048) == "+2.0 KiB");
  CHECK(format_bytes_delta(-3 * 1024 * 1024) == "-3.0 MiB");
  CHECK(format_bytes_delta(-100, "\xE2\x88\x92") ==
        "\xE2\x88\x92"
        "100 B");
}
