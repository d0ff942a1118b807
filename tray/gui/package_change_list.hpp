// The packages two systems differ in, one row each (name, kind, versions before and after, size
// change), as the rollback and update previews list them.
#pragma once

#include "nixtray/protocol/generations.hpp"

#include <vector>

// No wx header here: on Windows, wx's headers must come after <windows.h>.
class wxWindow;
class wxListCtrl;

namespace nixtray::gui {

// A report list of `changes` in `parent`, as the agent sorted them (by name).
wxListCtrl* package_change_list(wxWindow* parent, const std::vector<protocol::PackageChange>& changes);

}  // namespace nixtray::gui
