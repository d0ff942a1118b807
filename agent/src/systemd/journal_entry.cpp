#include "systemd/journal_entry.hpp"

#include "nixtray/protocol/wire_text.hpp"

#include <cstdint>
#include <cstring>

namespace nixtray::agent {

namespace {
// A log line, not a core dump: longer messages are cut (the rest stays in the journal).
constexpr std::size_t data_threshold = 64 * 1024;
}  // namespace

std::string journal_errno_text(int r) { return std::strerror(r < 0 ? -r : r); }

OpenedJournal open_system_journal() {
  OpenedJournal opened;
  sd_journal* raw = nullptr;
  const int r = sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
  if (r < 0) {
    opened.problem = "cannot open the journal: " + journal_errno_text(r);
    return opened;
  }
  opened.journal.reset(raw);
  sd_journal_set_data_threshold(raw, data_threshold);
  return opened;
}

std::optional<std::string_view> journal_field(sd_journal* journal, const char* name) {
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

int journal_priority(sd_journal* journal) {
  const auto text = journal_field(journal, "PRIORITY");
  if (!text || text->size() != 1 || (*text)[0] < '0' || (*text)[0] > '7') {
    return 6;  // journald's default for lines without one
  }
  return (*text)[0] - '0';
}

protocol::JournalLine journal_line(sd_journal* journal, bool with_source) {
  protocol::JournalLine line;
  std::uint64_t usec = 0;
  if (sd_journal_get_realtime_usec(journal, &usec) >= 0) {
    line.time = static_cast<std::int64_t>(usec / 1'000'000);
  }
  line.priority = journal_priority(journal);
  const auto message = journal_field(journal, "MESSAGE").value_or("");
  if (with_source) {
    auto source = journal_field(journal, "SYSLOG_IDENTIFIER");
    if (!source) source = journal_field(journal, "_COMM");
    line.message = std::string(source.value_or("?")) + ": ";
  }
  line.message += message;
  protocol::replace_invalid_utf8(line.message);
  return line;
}

}  // namespace nixtray::agent
