// The top of a window that follows steps as they run (the Verify window, the copy trial's): a
// bold headline, an outcome line under it, and a list of the steps with their state and detail.
#pragma once

class wxListCtrl;
class wxSizer;
class wxStaticText;
class wxWindow;

namespace nixtray::gui {

struct StepList {
  wxStaticText* headline = nullptr;
  wxStaticText* outcome = nullptr;
  wxListCtrl* steps = nullptr;  // columns: State, Step, Detail
};

// Adds the three to `sizer` (children of `parent`); the list takes the height left over.
StepList add_step_list(wxWindow* parent, wxSizer& sizer, int list_height);

}  // namespace nixtray::gui
