#include "step_list.hpp"

#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/translation.h>
#include <wx/window.h>

namespace nixtray::gui {

StepList add_step_list(wxWindow* parent, wxSizer& sizer, int list_height) {
  StepList parts;
  const int margin = parent->FromDIP(12);
  parts.headline = new wxStaticText(parent, wxID_ANY, wxEmptyString);
  parts.headline->SetFont(parts.headline->GetFont().Larger().Bold());
  sizer.Add(parts.headline, 0, wxEXPAND | wxALL, margin);
  parts.outcome = new wxStaticText(parent, wxID_ANY, wxEmptyString);
  sizer.Add(parts.outcome, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, margin);
  parts.steps = new wxListCtrl(parent, wxID_ANY, wxDefaultPosition, parent->FromDIP(wxSize(-1, list_height)),
                               wxLC_REPORT | wxLC_SINGLE_SEL);
  parts.steps->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, parent->FromDIP(170));
  parts.steps->AppendColumn(_("Step"), wxLIST_FORMAT_LEFT, parent->FromDIP(270));
  parts.steps->AppendColumn(_("Detail"), wxLIST_FORMAT_LEFT, parent->FromDIP(900));
  sizer.Add(parts.steps, 1, wxEXPAND | wxLEFT | wxRIGHT, margin);
  return parts;
}

}  // namespace nixtray::gui
