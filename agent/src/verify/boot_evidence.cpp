#include "verify/boot_evidence.hpp"

#include "nixtray/protocol/wire_text.hpp"
#include "systemd/journal_entry.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>

namespace nixtray::agent {

namespace {

// sd-messages.h: journald started ("Journal started"); a unit failed ("Failed with result ...",
// with UNIT_RESULT); a start job failed ("Failed to start ...", with JOB_RESULT).
constexpr std::string_view journal_started_id = "f77379a8490b408bbe5f6940505a777b";
constexpr std::string_view unit_failure_result_id = "d9b373ed55a64feb8242e02dbe79a49c";
constexpr std::string_view unit_start_failed_id = "be02cf6855d2428ba40df7e9d022f03d";

struct BootSegment {
  std::int64_t first_usec = 0;
  std::int64_t last_usec = 0;
  std::vector<protocol::JournalLine> errors;
  int errors_omitted = 0;
  std::vector<protocol::FailedUnitEvidence> failed;  // in the order they failed, lines filled at the end
  std::map<std::string, std::deque<protocol::JournalLine>, std::less<>> tails;
};

std::string text_of(std::optional<std::string_view> value) { return value ? std::string(*value) : std::string(); }

protocol::JournalLine bounded_line(sd_journal* journal, std::size_t bytes) {
  auto line = journal_line(journal, true);
  if (line.message.size() > bytes) {
    line.message.resize(bytes);
    protocol::replace_invalid_utf8(line.message);  // a character cut in half
    line.message += "...";
  }
  return line;
}

void add_entry(sd_journal* journal, BootSegment& boot, const EvidenceLimits& limits) {
  const auto priority = journal_priority(journal);
  const auto own_unit = journal_field(journal, "_SYSTEMD_UNIT");
  const auto about_unit = journal_field(journal, "UNIT");
  const bool from_systemd = journal_field(journal, "_PID") == std::optional<std::string_view>("1");
  // Like journalctl -u: a unit's own output, and systemd's messages about it.
  const std::string unit = own_unit ? std::string(*own_unit) : (from_systemd ? text_of(about_unit) : std::string());
  std::optional<protocol::JournalLine> line;
  if (priority <= 3) {
    if (boot.errors.size() < limits.errors) {
      line = bounded_line(journal, limits.message_bytes);
      boot.errors.push_back(*line);
    } else {
      ++boot.errors_omitted;
    }
  }
  if (!unit.empty()) {
    auto tail = boot.tails.find(unit);
    if (tail == boot.tails.end() && boot.tails.size() < limits.tracked_units) {
      tail = boot.tails.emplace(unit, std::deque<protocol::JournalLine>()).first;
    }
    if (tail != boot.tails.end()) {
      tail->second.push_back(line ? *line : bounded_line(journal, limits.message_bytes));
      if (tail->second.size() > limits.lines_per_unit) tail->second.pop_front();
    }
  }
  const auto message_id = journal_field(journal, "MESSAGE_ID");
  if (from_systemd && about_unit && (message_id == unit_failure_result_id || message_id == unit_start_failed_id)) {
    auto known = std::find_if(boot.failed.begin(), boot.failed.end(),
                              [&](const auto& failed) { return failed.unit == *about_unit; });
    if (known == boot.failed.end() && boot.failed.size() < limits.failed_units) {
      boot.failed.push_back({std::string(*about_unit), {}, {}});
      known = boot.failed.end() - 1;
    }
    if (known != boot.failed.end()) {
      if (const auto result = journal_field(journal, "UNIT_RESULT")) known->result = std::string(*result);
    }
  }
}

std::optional<std::string> boot_id_of(sd_journal* journal) {
  sd_id128_t id{};
  std::uint64_t usec = 0;
  if (sd_journal_get_monotonic_usec(journal, &usec, &id) < 0) return std::nullopt;
  char text[SD_ID128_STRING_MAX];
  return std::string(sd_id128_to_string(id, text));
}

}  // namespace

protocol::BootEvidence read_boot_evidence(const BootWindow& window, std::int64_t now, const EvidenceLimits& limits) {
  protocol::BootEvidence evidence;
  evidence.collected = now;
  auto opened = open_system_journal();
  if (!opened.journal) {
    evidence.note = opened.problem;
    return evidence;
  }
  auto* journal = opened.journal.get();

  std::uint64_t oldest = 0;
  if (sd_journal_seek_head(journal) < 0 || sd_journal_next(journal) <= 0 ||
      sd_journal_get_realtime_usec(journal, &oldest) < 0) {
    evidence.note = "the journal is empty";
    return evidence;
  }

  int r = sd_journal_seek_realtime_usec(journal, static_cast<std::uint64_t>(window.since_usec));
  std::optional<BootSegment> previous;
  std::optional<BootSegment> current;
  std::optional<std::string> last_boot_id;
  std::size_t scanned = 0;
  while (r >= 0 && (r = sd_journal_next(journal)) > 0) {
    if (++scanned > limits.scanned_entries) {
      evidence.note = "the journal since the check began is longer than " + std::to_string(limits.scanned_entries) +
                      " entries: only they were read";
      break;
    }
    std::uint64_t usec = 0;
    sd_journal_get_realtime_usec(journal, &usec);
    const auto boot_id = boot_id_of(journal);
    const bool journal_started = journal_field(journal, "MESSAGE_ID") == journal_started_id;
    const bool rebooted = last_boot_id && boot_id && *boot_id != *last_boot_id;
    if (boot_id) last_boot_id = boot_id;
    if (journal_started || rebooted) {
      previous = std::move(current);
      current.emplace();
      current->first_usec = static_cast<std::int64_t>(usec);
    }
    if (!current) continue;  // the boot that ran when the check began: not the one that failed
    current->last_usec = static_cast<std::int64_t>(usec);
    add_entry(journal, *current, limits);
  }
  if (r < 0) {
    evidence.note = "reading the journal stopped early: " + journal_errno_text(r);
  }

  // A journal that begins with the current boot was not kept across the restart.
  if (!window.failed_boot_is_current && current && static_cast<std::int64_t>(oldest) >= current->first_usec) {
    evidence.note =
        "the journal does not reach back to the failed boot: it is not kept across restarts of the distro. Keep it "
        "on disk (services.journald.storage = \"persistent\", the default when /var/log/journal exists) to see why "
        "a boot failed";
    return evidence;
  }
  auto& failed_boot = window.failed_boot_is_current ? current : previous;
  if (!failed_boot) {
    evidence.note =
        "the failed boot left nothing in the journal: it ended before systemd-journald started (its init or "
        "systemd failed early), so only the boot check's own steps tell what happened";
    return evidence;
  }
  evidence.boot_started = failed_boot->first_usec / 1'000'000;
  evidence.boot_ended = failed_boot->last_usec / 1'000'000;
  evidence.errors = std::move(failed_boot->errors);
  evidence.errors_omitted = failed_boot->errors_omitted;
  for (auto& unit : failed_boot->failed) {
    if (const auto tail = failed_boot->tails.find(unit.unit); tail != failed_boot->tails.end()) {
      unit.lines.assign(tail->second.begin(), tail->second.end());
    }
    evidence.failed_units.push_back(std::move(unit));
  }
  return evidence;
}

}  // namespace nixtray::agent
