// The packages two systems differ in, one row each (name, kind, versions before and after, size
// change), as the rollback and update previews list them.
#pragma once

#include "core/state/package_changes.hpp"

#include "nixtray/protocol/generations.hpp"

#include <vector>

// No wx header here: on Windows, wx's headers must come after <windows.h>.
class wxWindow;
class wxListCtrl;
class wxSizer;
class wxString;

namespace nixtray::gui {

// A report list of `changes` in `parent`, as the agent sorted them (by name).
wxListCtrl* package_change_list(wxWindow* parent, const std::vector<protocol::PackageChange>& changes);

// A preview's closure diff added to `sizer`: its sentence with the closures' sizes when known,
// then the list of the packages that change (none when nothing changes), `gap` around each.
// Returns the sentence as shown.
wxString add_package_changes(wxWindow* parent, wxSizer* sizer, const tray::PackageChanges& packages, int gap);

}  // namespace nixtray::gui
