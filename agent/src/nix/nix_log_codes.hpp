// The codes of Nix's internal-json log (`--log-format internal-json`, libutil/logging.hh): the
// verbosity levels, activity types and result types the agent reads from a job's log.
#pragma once

namespace nixtray::agent::nix_log {

// Verbosity: 0 error, 1 warn, 2 notice, 3 info, 4 talkative, ... 7 vomit. Above info is noise.
inline constexpr int highest_visible_level = 3;

// Activity types (start events).
inline constexpr int activity_copy_path = 100;
inline constexpr int activity_copy_paths = 103;
inline constexpr int activity_builds = 104;
inline constexpr int activity_build = 105;
inline constexpr int activity_substitute = 108;

// Result types (result events of an activity).
inline constexpr int result_build_log_line = 101;
inline constexpr int result_set_phase = 104;
inline constexpr int result_progress = 105;
inline constexpr int result_post_build_log_line = 107;

}  // namespace nixtray::agent::nix_log
