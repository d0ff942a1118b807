// Whether giving space back to Windows is worth the trouble: the distro's virtual disk (its size on
// Windows, core/system/wsl_virtual_disk.hpp) against what its file system uses (the agent's space
// report). Compacting needs the distro stopped and an administrator, so the Space window offers the
// steps only when they would give back a good part: more than 2 GiB and more than a quarter of
// what is used.
#pragma once

#include "core/state/sentence.hpp"
#include "core/system/wsl_virtual_disk.hpp"

#include "nixtray/protocol/space.hpp"

#include <optional>

namespace nixtray::tray {

struct VirtualDiskAdvice {
  bool compact = true;  // show the compaction steps
  Sentence line;        // what the window says above them; empty when the size is not known
};

VirtualDiskAdvice virtual_disk_advice(const std::optional<VirtualDisk>& disk,
                                      const std::optional<protocol::SpaceReport>& report);

}  // namespace nixtray::tray
