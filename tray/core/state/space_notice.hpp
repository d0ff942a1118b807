// The notifications about disk space: the Nix store's file system fell below the settings'
// threshold (NotificationRules notifies it once per crossing), and a job the agent refused for
// lack of space (jobs.start's -32005 with free_bytes, docs/protocol.md §5). Both offer the Space
// window (action show_space).
#pragma once

#include "core/link/action_result.hpp"
#include "core/state/notification_rules.hpp"

#include "nixtray/protocol/space.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace nixtray::tray {

// The threshold in bytes for the setting in GiB (NotificationToggles::low_space_gib), at least
// 1 GiB: the toggle, not a 0, switches the warning off.
[[nodiscard]] std::int64_t low_space_threshold(int gib);
[[nodiscard]] bool is_low_space(const protocol::SpaceReport& report, int gib);

// The low-space notification; `crossing` makes its key unique (one per fall below the threshold).
[[nodiscard]] Notification low_space_notice(const protocol::SpaceReport& report, int gib, const std::string& distro,
                                            int crossing);

// The notification for a job the agent refused because the store's disk is too full; nothing
// for any other failure.
[[nodiscard]] std::optional<Notification> space_refusal_notice(const ActionError& error, const std::string& distro);

}  // namespace nixtray::tray
