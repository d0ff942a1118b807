#include "core/state/space_notice.hpp"

#include "nixtray/protocol/error_code.hpp"
#include "nixtray/text/byte_size.hpp"

#include <algorithm>

namespace nixtray::tray {

namespace {

constexpr std::int64_t gib_bytes = std::int64_t{1} << 30;

NotificationAction show_space() {
  return NotificationAction{NotificationAction::Kind::show_space, "Show disk space", {}, {}};
}

// What garbage collection could free now: keeping only the newest generation frees the most
// (the default, current, booted and known-good generations are kept even then).
std::int64_t most_freed(const protocol::SpaceReport& report) {
  return report.cleanup.empty() ? report.garbage_bytes : report.cleanup.front().frees_bytes;
}

}  // namespace

std::int64_t low_space_threshold(int gib) { return std::max(gib, 1) * gib_bytes; }

bool is_low_space(const protocol::SpaceReport& report, int gib) {
  // A report without a file system size is no measurement (an agent that could not statvfs).
  return report.total_bytes > 0 && report.free_bytes < low_space_threshold(gib);
}

Notification low_space_notice(const protocol::SpaceReport& report, int gib, const std::string& distro, int crossing) {
  Notification n;
  n.kind = NotificationKind::low_space;
  n.key = "low-space:" + std::to_string(crossing);
  n.title = sentence("Low disk space");
  const auto free = text::format_bytes(report.free_bytes);
  const auto threshold = text::format_bytes(low_space_threshold(gib));
  if (const auto freed = most_freed(report); freed > 0) {
    n.body =
        sentence("%1$s has %2$s free for the Nix store (warning below %3$s). Garbage collection can free up to %4$s.",
                 {distro, free, threshold, text::format_bytes(freed)});
  } else {
    n.body = sentence("%1$s has %2$s free for the Nix store (warning below %3$s).", {distro, free, threshold});
  }
  n.action = show_space();
  return n;
}

std::optional<Notification> space_refusal_notice(const ActionError& error, const std::string& distro) {
  if (error.code != static_cast<int>(protocol::ErrorCode::refused) || !error.data.is_object() ||
      !error.data.contains("free_bytes") || !error.data["free_bytes"].is_number_integer()) {
    return std::nullopt;
  }
  Notification n;
  n.kind = NotificationKind::low_space;
  n.key = "space-refused:" + std::to_string(error.data["free_bytes"].get<std::int64_t>());
  n.title = sentence("Rebuild refused: low disk space");
  const auto free = text::format_bytes(error.data["free_bytes"].get<std::int64_t>());
  if (const auto required = error.data.find("required_bytes");
      required != error.data.end() && required->is_number_integer()) {
    n.body = sentence("%1$s has %2$s free for the Nix store; a rebuild needs %3$s. Garbage collection frees room.",
                      {distro, free, text::format_bytes(required->get<std::int64_t>())});
  } else {
    n.body = sentence("%1$s has %2$s free for the Nix store. Garbage collection frees room.", {distro, free});
  }
  n.action = show_space();
  return n;
}

}  // namespace nixtray::tray
