#include "systemd/unit_journal.hpp"

#include "nixtray/protocol/wire_text.hpp"

#include <systemd/sd-journal.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

namespace nixtray::agent {

namespace {

struct JournalCloser {
  void operator()(sd_journal* journal) const { sd_journal_close(journal); }
};
using Journal = std::unique_ptr<sd_journal, JournalCloser>;

std::string errno_text(int r) { return std::strerror(r < 0 ? -r : r); }

// The value of FIELD=value in the current entry, if present.
std::optional<std::string_view> field(sd_journal* journal, const char* name) {
  const void* data = nullptr;
  size_t length = 0;
  if (sd_journal_get_data(journal, name, &data, &length) < 0) {
    return std::nullopt;
  }
  std::string_view text(static_cast<const char*>(data), length);
  const auto prefix = std::strlen(name) + 1;  // "NAME="
  if (text.size() < prefix) {
    return std::nullopt;
  }
  return text.substr(prefix);
}

int priority_of(sd_journal* journal) {
  const auto text = field(journal, "PRIORITY");
  if (!text || text->size() != 1 || (*text)[0] < '0' || (*text)[0] > '7') {
    return 6;  // journald's default for lines without one
  }
  return (*text)[0] - '0';
}

// Like journalctl -u: the unit's processes, and systemd's own messages about the unit.
int match_unit(sd_journal* journal, const std::string& unit) {
  const std::string own = "_SYSTEMD_UNIT=" + unit;
  const std::string about = "UNIT=" + unit;
  int r = sd_journal_add_match(journal, own.data(), own.size());
  if (r >= 0) r = sd_journal_add_disjunction(journal);
  if (r >= 0) r = sd_journal_add_match(journal, "_PID=1", 0);
  if (r >= 0) r = sd_journal_add_match(journal, about.data(), about.size());
  return r;
}

}  // namespace

JournalTail read_unit_journal(const std::string& unit, int max_lines) {
  JournalTail tail;
  sd_journal* raw = nullptr;
  int r = sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
  if (r < 0) {
    tail.available = false;
    tail.problem = "cannot open the journal: " + errno_text(r);
    return tail;
  }
  Journal journal(raw);
  sd_journal_set_data_threshold(journal.get(), 64 * 1024);  // a log line, not a core dump
  r = match_unit(journal.get(), unit);
  if (r >= 0) {
    r = sd_journal_seek_tail(journal.get());
  }
  if (r < 0) {
    tail.available = false;
    tail.problem = "cannot read the journal: " + errno_text(r);
    return tail;
  }
  while (static_cast<int>(tail.lines.size()) < max_lines) {
    r = sd_journal_previous(journal.get());
    if (r <= 0) {
      if (r < 0) {
        tail.problem = "reading the journal stopped early: " + errno_text(r);
      }
      break;
    }
    protocol::JournalLine line;
    std::uint64_t usec = 0;
    if (sd_journal_get_realtime_usec(journal.get(), &usec) >= 0) {
      line.time = static_cast<std::int64_t>(usec / 1'000'000);
    }
    line.priority = priority_of(journal.get());
    line.message = std::string(field(journal.get(), "MESSAGE").value_or(""));
    protocol::replace_invalid_utf8(line.message);
    tail.lines.push_back(std::move(line));
  }
  std::reverse(tail.lines.begin(), tail.lines.end());
  return tail;
}

}  // namespace nixtray::agent
