#include "verify/activation_report.hpp"

#include "support/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <ctime>
#include <sstream>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view activation_tag = "nixos-activation: ";
constexpr std::string_view run_start = "activating the configuration";

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  return text;
}

std::optional<long long> number_of(std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string without_tag(std::string_view text) {
  if (text.starts_with(activation_tag)) text.remove_prefix(activation_tag.size());
  return std::string(trim(text));
}

std::int64_t microseconds_of(clockid_t clock) {
  timespec now{};
  ::clock_gettime(clock, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
}

// When this PID namespace's PID 1 (the distro's init, which ran activate) started, in
// CLOCK_BOOTTIME microseconds; nullopt when /proc/1/stat cannot be read.
std::optional<std::int64_t> init_start_boottime_us() {
  const auto stat = read_small_file("/proc/1/stat", 4096);
  if (!stat) return std::nullopt;
  // "1 (comm) S ppid ..." - comm may hold spaces and parentheses: fields count from the last ')'.
  const auto paren = stat->rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat->substr(paren + 1));
  std::string field;
  // After the comm: state is field 3; starttime is field 22.
  for (int index = 3; index <= 22; ++index) {
    if (!(fields >> field)) return std::nullopt;
  }
  const auto ticks = number_of(field);
  const long hz = ::sysconf(_SC_CLK_TCK);
  if (!ticks || hz <= 0) return std::nullopt;
  return *ticks * 1'000'000 / hz;
}

bool on_wsl() {
  const auto release = read_small_file("/proc/sys/kernel/osrelease", 4096);
  if (!release) return false;
  std::string lower = *release;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower.find("microsoft") != std::string::npos || lower.find("wsl") != std::string::npos;
}

protocol::ActivationReport unknown() { return {}; }

protocol::ActivationReport report_from_file(const fs::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return unknown();
  // Written before this boot: what it holds is an earlier boot's activation (or none at all).
  if (const auto start = init_start_boottime_us()) {
    const auto age_of_boot_us = microseconds_of(CLOCK_BOOTTIME) - *start;
    const auto boot_started_at_us = microseconds_of(CLOCK_REALTIME) - age_of_boot_us;
    const auto written_at_us = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000 + info.st_mtim.tv_nsec / 1000;
    constexpr std::int64_t clock_slack_us = 1'000'000;
    if (written_at_us + clock_slack_us < boot_started_at_us) return unknown();
  }
  const auto text = read_small_file(file, 16 << 20);
  if (!text) return unknown();
  return report_of_run(last_activation_run(parse_activation_log_text(*text)));
}

protocol::ActivationReport report_from_kernel_log() {
  const auto start_boottime = init_start_boottime_us();
  if (!start_boottime) return unknown();
  // Kernel-log stamps are on the monotonic clock (no time spent suspended); PID 1's start is on
  // the boot-time clock: shift it by the time the machine spent suspended since.
  const auto suspended_us = microseconds_of(CLOCK_BOOTTIME) - microseconds_of(CLOCK_MONOTONIC);
  const auto boot_start_monotonic = *start_boottime - suspended_us;

  const int fd = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return unknown();
  std::vector<ActivationLogLine> records;
  std::string buffer(16 * 1024, '\0');
  for (;;) {
    const auto n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && (errno == EINTR || errno == EPIPE)) continue;  // EPIPE: a record was overwritten
    if (n <= 0) break;                                          // EAGAIN: the end of the buffer
    if (auto record = parse_kmsg_record(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) {
      records.push_back(std::move(*record));
    }
  }
  ::close(fd);
  return report_of_run(activation_records_of_boot(records, boot_start_monotonic));
}

}  // namespace

std::vector<ActivationLogLine> parse_activation_log_text(std::string_view text) {
  std::vector<ActivationLogLine> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty()) continue;
    ActivationLogLine parsed;
    if (line.front() == '<') {
      const auto close = line.find('>');
      if (close != std::string_view::npos) {
        if (const auto value = number_of(line.substr(1, close - 1)); value && *value >= 0) {
          parsed.priority = static_cast<int>(*value & 7);
          parsed.facility = static_cast<int>(*value >> 3) == 0 ? 1 : static_cast<int>(*value >> 3);
          line.remove_prefix(close + 1);
        }
      }
    }
    parsed.text = without_tag(line);
    if (!parsed.text.empty()) lines.push_back(std::move(parsed));
  }
  return lines;
}

std::optional<ActivationLogLine> parse_kmsg_record(std::string_view record) {
  const auto semicolon = record.find(';');
  if (semicolon == std::string_view::npos) return std::nullopt;
  const auto prefix = record.substr(0, semicolon);
  // Continuation lines (" KEY=value") follow the message's first newline: not part of the text.
  auto text = record.substr(semicolon + 1);
  text = text.substr(0, text.find('\n'));
  std::vector<std::string_view> fields;
  for (std::size_t start = 0; start <= prefix.size();) {
    const auto comma = prefix.find(',', start);
    fields.push_back(prefix.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (fields.size() < 3) return std::nullopt;
  const auto priority = number_of(fields[0]);
  const auto timestamp = number_of(fields[2]);
  if (!priority || !timestamp) return std::nullopt;
  ActivationLogLine line;
  line.priority = static_cast<int>(*priority & 7);
  line.facility = static_cast<int>(*priority >> 3);
  line.monotonic_us = *timestamp;
  // The kernel escapes non-printable bytes as \xNN; keep them as they are.
  line.text = without_tag(text);
  return line;
}

bool is_activation_error(const ActivationLogLine& line) {
  if (line.priority <= 3) return true;
  // nixos/modules/system/activation/activation-script.nix: "Activation script snippet '<name>' failed (<rc>)".
  return line.text.starts_with("Activation script snippet '") && line.text.find("' failed") != std::string::npos;
}

protocol::ActivationReport report_of_run(const std::vector<ActivationLogLine>& run) {
  protocol::ActivationReport report;
  if (run.empty()) return report;
  report.state = protocol::ActivationState::ok;
  for (const auto& line : run) {
    if (is_activation_error(line)) {
      report.state = protocol::ActivationState::errors;
      report.lines.push_back(line.text);
    }
  }
  return report;
}

std::vector<ActivationLogLine> last_activation_run(std::vector<ActivationLogLine> lines) {
  const auto start = std::find_if(lines.rbegin(), lines.rend(),
                                  [](const ActivationLogLine& line) { return line.text.starts_with(run_start); });
  if (start != lines.rend()) {
    lines.erase(lines.begin(), std::prev(start.base()));
  }
  return lines;
}

std::vector<ActivationLogLine> activation_records_of_boot(const std::vector<ActivationLogLine>& records,
                                                          std::int64_t boot_start_monotonic_us) {
  std::vector<ActivationLogLine> run;
  for (const auto& record : records) {
    if (record.facility == 0 || !record.monotonic_us || *record.monotonic_us < boot_start_monotonic_us) continue;
    if (record.text.starts_with("systemd[1]:")) break;
    run.push_back(record);
  }
  return run;
}

protocol::ActivationReport read_activation_report(const std::optional<fs::path>& activation_log) {
  if (activation_log) return report_from_file(*activation_log);
  // Elsewhere the kernel log does not hold the activation's output: nothing to read, and the
  // host's kernel log is none of our business.
  if (!on_wsl()) return unknown();
  return report_from_kernel_log();
}

}  // namespace nixtray::agent
