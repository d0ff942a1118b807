// Where a control sits in its window, for the --ui-log: the GUI tests click it by coordinates
// (there is no window manager under Xvfb to give a dialog the keyboard focus).
#pragma once

#include "nixtray/protocol/json.hpp"

#include <wx/window.h>

namespace nixtray::gui {

// {"x": .., "y": ..}: the control's centre, relative to its top-level window's client area.
// Summed from the positions of the windows in between, not from screen positions: a dialog's
// place on the screen is not known yet when it is being shown.
inline protocol::json centre_in_window(const wxWindow& control) {
  wxPoint at = control.GetPosition() + wxPoint(control.GetSize().x / 2, control.GetSize().y / 2);
  for (const wxWindow* parent = control.GetParent(); parent && !parent->IsTopLevel(); parent = parent->GetParent()) {
    at += parent->GetPosition() + parent->GetClientAreaOrigin();
  }
  return {{"x", at.x}, {"y", at.y}};
}

}  // namespace nixtray::gui
