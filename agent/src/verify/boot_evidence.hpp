// What the journal kept of a boot that failed its check: `journalctl -b -1 -p err` and the failed
// units with their last lines, read with sd-journal.
//
// Which entries are "that boot": on WSL every distro start runs on the same kernel as long as the
// VM stays up, so the distro's boots share one boot ID and `-b -1` would name the VM's previous
// boot, not the distro's previous start. A boot of the distro is therefore taken to begin where
// journald logs "Journal started" (each start of the distro starts its journald) or where the
// boot ID changes (a real reboot). The failed boot is the last one that began after the check
// started and before the current one — or the current one, when the failed generation is still
// the booted one (no rollback happened).
//
// Blocking file I/O: run it off the event loop (JournalWorker).
#pragma once

#include "nixtray/protocol/verification.hpp"

#include <cstdint>

namespace nixtray::agent {

struct BootWindow {
  std::int64_t since_usec = 0;          // the failed boot began after this (realtime, microseconds)
  bool failed_boot_is_current = false;  // the failed generation is the booted one
};

// Bounds of what is kept (the evidence is stored with the verification record).
struct EvidenceLimits {
  std::size_t errors = 100;  // the first ones; the rest are counted
  std::size_t failed_units = 20;
  std::size_t lines_per_unit = 10;  // the last ones
  std::size_t tracked_units = 256;  // units whose last lines are followed while reading
  std::size_t message_bytes = 1024;
  // Entries read at most, from the check's start on: a check recorded long after it began must not
  // keep the journal worker (and units.log) busy for minutes.
  std::size_t scanned_entries = 2'000'000;
};

protocol::BootEvidence read_boot_evidence(const BootWindow& window, std::int64_t now,
                                          const EvidenceLimits& limits = {});

}  // namespace nixtray::agent
