// How to give the Nix store's freed space back to Windows: WSL keeps a distro in a virtual disk
// (ext4.vhdx) that grows and does not shrink by itself. The steps as text a person copies into a
// terminal; nixtray runs none of them (they need the distro stopped and, for compacting, an
// administrator).
#pragma once

#include <wx/string.h>

#include <string>

namespace nixtray::gui {

// The steps for `distro`, translated, with the commands in them verbatim.
wxString vhd_compaction_advice(const std::string& distro);

}  // namespace nixtray::gui
