// Reading the journal with sd-journal, the same way for every reader in the agent: opening the
// local system journal, fields of the current entry, its priority and time, and a line for people.
#pragma once

#include "nixtray/protocol/units.hpp"

#include <systemd/sd-journal.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace nixtray::agent {

struct JournalCloser {
  void operator()(sd_journal* journal) const { sd_journal_close(journal); }
};
using Journal = std::unique_ptr<sd_journal, JournalCloser>;

// The local system journal (what `journalctl` reads as root), or the reason it cannot be opened.
struct OpenedJournal {
  Journal journal;
  std::string problem;  // set when journal is null
};
OpenedJournal open_system_journal();

std::string journal_errno_text(int r);

// The value of FIELD=value in the current entry, if present.
std::optional<std::string_view> journal_field(sd_journal* journal, const char* name);

// PRIORITY of the current entry (journald's default, 6, when it has none or a bad one).
int journal_priority(sd_journal* journal);

// The current entry as a JournalLine; `with_source` prefixes the message with who logged it
// ("systemd: ...", "nginx: ..."), as journalctl's short output does.
protocol::JournalLine journal_line(sd_journal* journal, bool with_source = false);

}  // namespace nixtray::agent
