// The newest journal lines of one unit, read with sd-journal: what `journalctl -u UNIT -n N`
// shows (the unit's own output, and systemd's messages about it). Blocking file I/O: call it off
// the event loop (JournalWorker).
#pragma once

#include "nixtray/protocol/units.hpp"

#include <string>
#include <vector>

namespace nixtray::agent {

struct JournalTail {
  bool available = true;  // false: the journal could not be opened or read (see problem)
  std::string problem;
  std::vector<protocol::JournalLine> lines;  // oldest first
};

JournalTail read_unit_journal(const std::string& unit, int max_lines);

}  // namespace nixtray::agent
