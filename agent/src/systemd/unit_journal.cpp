#include "systemd/unit_journal.hpp"

#include "systemd/journal_entry.hpp"

#include <algorithm>

namespace nixtray::agent {

namespace {

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
  auto opened = open_system_journal();
  if (!opened.journal) {
    tail.available = false;
    tail.problem = opened.problem;
    return tail;
  }
  auto* journal = opened.journal.get();
  int r = match_unit(journal, unit);
  if (r >= 0) {
    r = sd_journal_seek_tail(journal);
  }
  if (r < 0) {
    tail.available = false;
    tail.problem = "cannot read the journal: " + journal_errno_text(r);
    return tail;
  }
  while (static_cast<int>(tail.lines.size()) < max_lines) {
    r = sd_journal_previous(journal);
    if (r <= 0) {
      if (r < 0) {
        tail.problem = "reading the journal stopped early: " + journal_errno_text(r);
      }
      break;
    }
    tail.lines.push_back(journal_line(journal));
  }
  std::reverse(tail.lines.begin(), tail.lines.end());
  return tail;
}

}  // namespace nixtray::agent
