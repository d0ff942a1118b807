// When the Space window offers to give space back to Windows: only when the distro's virtual disk
// is much larger than what its file system uses, or when its size is not known.
#include "catch.hpp"

#include "core/state/virtual_disk_advice.hpp"

using namespace nixtray;
using namespace nixtray::tray;

namespace {

constexpr std::int64_t gib = std::int64_t{1} << 30;

protocol::SpaceReport used(std::int64_t used_bytes, std::int64_t total = 1024 * gib) {
  protocol::SpaceReport report;
  report.total_bytes = total;
  report.free_bytes = total - used_bytes;
  return report;
}

VirtualDisk disk(std::int64_t bytes) {
  return VirtualDisk{"C:\\Users\\ana\\AppData\\Local\\NixOS\\ext4.vhdx", static_cast<std::uint64_t>(bytes)};
}

}  // namespace

TEST_CASE("without the virtual disk's size (not on Windows, not found) the steps are offered, with nothing said") {
  const auto advice = virtual_disk_advice(std::nullopt, used(20 * gib));
  CHECK(advice.compact);
  CHECK(advice.line.empty());
}

TEST_CASE("a virtual disk much larger than what the distro uses: compacting is offered with what it gives back") {
  const auto advice = virtual_disk_advice(disk(60 * gib), used(20 * gib));
  CHECK(advice.compact);
  CHECK(advice.line.english() ==
        "The virtual disk C:\\Users\\ana\\AppData\\Local\\NixOS\\ext4.vhdx takes 60.0 GiB on Windows; the distro uses "
        "20.0 GiB of it. Compacting gives about 40.0 GiB back:");
  CHECK(advice.line.args.size() == 4);  // the sizes and the path stay out of the catalogue's sentence
}

TEST_CASE("a virtual disk about as large as what is used: compacting is not offered") {
  SECTION("within 2 GiB") {
    const auto advice = virtual_disk_advice(disk(101 * gib), used(100 * gib));
    CHECK_FALSE(advice.compact);
    CHECK(advice.line.english().ends_with("Compacting would give little back."));
  }
  SECTION("more than 2 GiB, but not a quarter of what is used") {
    CHECK_FALSE(virtual_disk_advice(disk(110 * gib), used(100 * gib)).compact);
    CHECK(virtual_disk_advice(disk(130 * gib), used(100 * gib)).compact);
  }
}

TEST_CASE("a virtual disk without a space report says its size and offers the steps") {
  const auto advice = virtual_disk_advice(disk(8 * gib), std::nullopt);
  CHECK(advice.compact);
  CHECK(advice.line.english() ==
        "The virtual disk C:\\Users\\ana\\AppData\\Local\\NixOS\\ext4.vhdx takes 8.0 GiB on Windows.");
}
