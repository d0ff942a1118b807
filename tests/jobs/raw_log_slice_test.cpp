// jobs.log's raw form: slices of the log file's bytes that concatenate to exactly the file, end
// at newlines (or character boundaries), and say where the file stands.
#include "catch.hpp"

#include "jobs/raw_log_slice.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <fstream>

using namespace nixtray::agent;
using nixtray::testing::TempDir;

namespace {

std::string read_all_slices(const std::filesystem::path& file, std::size_t max_bytes, bool finished, int& slices) {
  std::string text;
  std::uint64_t from = 0;
  slices = 0;
  for (;;) {
    const auto slice = read_raw_log_slice(file, from, max_bytes, finished);
    REQUIRE(slice);
    REQUIRE(slice->next == from + slice->text.size());
    text += slice->text;
    from = slice->next;
    if (slice->text.empty()) return text;
    ++slices;
    REQUIRE(slice->text.size() <= max_bytes);
  }
}

}  // namespace

TEST_CASE("raw log slices concatenate to exactly the file's bytes, each ending at a newline or a character") {
  TempDir dir("nxraw");
  const auto file = dir / "log";
  std::string bytes;
  for (int i = 0; i < 500; ++i) {
    bytes += R"(@nix {"action":"result","fields":["line )" + std::to_string(i) +
             R"( caf\u00e9 é ✓ 𝄞"],"id":1,"type":101})"
             "\n";
    if (i % 97 == 0) bytes += std::string(300, 'x') + "é✓𝄞 a line longer than a slice\n";
  }
  bytes += "the last line has no newline ✓";
  std::ofstream(file, std::ios::binary) << bytes;

  for (const std::size_t max_bytes : {std::size_t{64}, std::size_t{1000}, std::size_t{1} << 22}) {
    INFO("slices of at most " << max_bytes << " bytes");
    int slices = 0;
    CHECK(read_all_slices(file, max_bytes, true, slices) == bytes);
    CHECK(slices >= static_cast<int>(bytes.size() / max_bytes));
    // Every slice but the last ends after a newline or at the start of a character.
    std::uint64_t from = 0;
    for (;;) {
      const auto slice = read_raw_log_slice(file, from, max_bytes, true);
      if (slice->at_end) break;
      const auto last = static_cast<unsigned char>(slice->text.back());
      const auto after = static_cast<unsigned char>(bytes[slice->next]);
      CHECK((last == '\n' || (after & 0xC0) != 0x80));
      from = slice->next;
    }
  }
  // While the job still writes, the unfinished last line is left for later.
  int slices = 0;
  CHECK(read_all_slices(file, 1000, false, slices) == bytes.substr(0, bytes.rfind('\n') + 1));
}

TEST_CASE("raw log slices at or past the end are empty and keep their offset, a missing file gives none") {
  TempDir dir("nxraw");
  const auto file = dir / "log";
  std::ofstream(file, std::ios::binary) << "one\ntwo\n";
  for (const std::uint64_t from : {std::uint64_t{8}, std::uint64_t{9}, std::uint64_t{1} << 40}) {
    const auto slice = read_raw_log_slice(file, from, 1024, true);
    REQUIRE(slice);
    CHECK(slice->text.empty());
    CHECK(slice->next == from);
    CHECK(slice->at_end);
  }
  const auto middle = read_raw_log_slice(file, 4, 1024, true);
  CHECK(middle->text == "two\n");
  CHECK(middle->at_end);
  CHECK_FALSE(read_raw_log_slice(dir / "missing", 0, 1024, true));
}
