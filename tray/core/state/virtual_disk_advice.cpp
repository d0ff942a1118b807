#include "core/state/virtual_disk_advice.hpp"

#include "nixtray/text/byte_size.hpp"

#include <algorithm>
#include <cstdint>

namespace nixtray::tray {

namespace {
constexpr std::int64_t gib = std::int64_t{1} << 30;
}  // namespace

VirtualDiskAdvice virtual_disk_advice(const std::optional<VirtualDisk>& disk,
                                      const std::optional<protocol::SpaceReport>& report) {
  VirtualDiskAdvice advice;
  if (!disk) return advice;  // not on Windows, or not found: the steps, for whoever needs them
  const auto size = static_cast<std::int64_t>(std::min<std::uint64_t>(disk->bytes, INT64_MAX));
  if (!report || report->total_bytes <= 0) {
    advice.line = sentence("The virtual disk %1$s takes %2$s on Windows.", {disk->file, text::format_bytes(size)});
    return advice;
  }
  const auto used = std::max<std::int64_t>(0, report->total_bytes - report->free_bytes);
  const auto back = size - used;
  advice.compact = back > 2 * gib && back > used / 4;
  advice.line = advice.compact
                    ? sentence(
                          "The virtual disk %1$s takes %2$s on Windows; the distro uses %3$s of it. Compacting "
                          "gives about %4$s back:",
                          {disk->file, text::format_bytes(size), text::format_bytes(used), text::format_bytes(back)})
                    : sentence(
                          "The virtual disk %1$s takes %2$s on Windows; the distro uses %3$s of it. Compacting "
                          "would give little back.",
                          {disk->file, text::format_bytes(size), text::format_bytes(used)});
  return advice;
}

}  // namespace nixtray::tray
