// What the activation of the current boot reported (status.activation). NixOS-WSL's init shim runs
// the profile's `activate` with its output going to the kernel log and ignores its exit status, so
// the kernel log is the only place its errors show. Two sources:
//  - the kernel log (/dev/kmsg), read only on WSL: the user-space records written since the
//    distro's PID 1 started, up to systemd's first message;
//  - a file (`serve --activation-log PATH`, tests and non-WSL systems) of kernel-log-like lines
//    `<PRIORITY>text`, one activation run after another; the last run is this boot's, and only if
//    the file was written since PID 1 started.
// A report that cannot be read or holds nothing of this boot is `unknown`, never `ok`.
#pragma once

#include "nixtray/protocol/status.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::agent {

// One message of the activation's output.
struct ActivationLogLine {
  int priority = 4;                          // syslog level 0..7 (the kernel's default for user writes is 4, warning)
  int facility = 1;                          // 0 = the kernel itself, 1 = user space
  std::string text;                          // without the priority prefix and without a "nixos-activation: " tag
  std::optional<std::int64_t> monotonic_us;  // kernel-log time stamp (kmsg records only)
};

// "<3>nixos-activation: text" (the priority prefix and the tag are optional). Empty lines are skipped.
std::vector<ActivationLogLine> parse_activation_log_text(std::string_view text);

// One record as read() from /dev/kmsg: "PRI,SEQ,TIMESTAMP_US,FLAGS[,...];text\n[ KEY=value\n]...".
std::optional<ActivationLogLine> parse_kmsg_record(std::string_view record);

// An error of the activation: priority err or worse, or the messages NixOS's activation prints for
// a failed snippet (written unprefixed to the kernel log, they carry the default priority).
bool is_activation_error(const ActivationLogLine& line);

// The report of a list of lines that are known to be one activation run: errors -> their texts;
// no line at all -> unknown (nothing was read); otherwise ok.
protocol::ActivationReport report_of_run(const std::vector<ActivationLogLine>& run);

// The last run of a file's lines: from the last line that starts an activation ("activating the
// configuration...", as NixOS prints it) to the end; the whole file when no line does.
std::vector<ActivationLogLine> last_activation_run(std::vector<ActivationLogLine> lines);

// The activation's records among the kernel log's: user-space records stamped at or after the
// boot's start (the distro's PID 1, in the kernel log's clock), up to the first message of
// systemd (`systemd[1]: ...`), which the shim execs once activation ended.
std::vector<ActivationLogLine> activation_records_of_boot(const std::vector<ActivationLogLine>& records,
                                                          std::int64_t boot_start_monotonic_us);

// Reads the report from the configured file, or from the kernel log on WSL; unknown otherwise.
// Blocking but quick (one file, or the kernel's ring buffer of at most a few MiB).
protocol::ActivationReport read_activation_report(const std::optional<std::filesystem::path>& activation_log);

}  // namespace nixtray::agent
