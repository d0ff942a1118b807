#include "package_change_list.hpp"

#include "display_format.hpp"
#include "wx_text.hpp"

#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace nixtray::gui {

wxListCtrl* package_change_list(wxWindow* parent, const std::vector<protocol::PackageChange>& changes) {
  auto* list = new wxListCtrl(parent, wxID_ANY, wxDefaultPosition, parent->FromDIP(wxSize(780, 220)),
                              wxLC_REPORT | wxLC_SINGLE_SEL);
  list->AppendColumn(_("Package"), wxLIST_FORMAT_LEFT, parent->FromDIP(180));
  list->AppendColumn(_("Change"), wxLIST_FORMAT_LEFT, parent->FromDIP(90));
  list->AppendColumn(_("Now"), wxLIST_FORMAT_LEFT, parent->FromDIP(200));
  list->AppendColumn(_("After"), wxLIST_FORMAT_LEFT, parent->FromDIP(200));
  list->AppendColumn(_("Size"), wxLIST_FORMAT_RIGHT, parent->FromDIP(90));
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& change = changes[i];
    const auto row = list->InsertItem(static_cast<long>(i), to_wx(change.name));
    list->SetItem(row, 1, package_change_kind_text(change.kind));
    list->SetItem(row, 2, format_versions(change.from_versions));
    list->SetItem(row, 3, format_versions(change.to_versions));
    list->SetItem(row, 4, format_size_delta(change.size_delta));
  }
  return list;
}

wxString add_package_changes(wxWindow* parent, wxSizer* sizer, const tray::PackageChanges& packages, int gap) {
  wxString summary = sentence_text(packages.summary);
  if (packages.known) {
    summary += " " + wxString::Format(_("Closure: %s → %s."), format_size(packages.from_closure_size),
                                      format_size(packages.to_closure_size));
  }
  auto* summary_text = new wxStaticText(parent, wxID_ANY, summary);
  summary_text->Wrap(parent->FromDIP(760));
  sizer->Add(summary_text, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, gap);
  if (!packages.changes.empty()) {
    sizer->Add(package_change_list(parent, packages.changes), 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, gap);
  }
  return summary;
}

}  // namespace nixtray::gui
