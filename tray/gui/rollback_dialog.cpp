#include "rollback_dialog.hpp"

#include "display_format.hpp"
#include "package_change_list.hpp"
#include "ui_log.hpp"
#include "wx_text.hpp"

#include <wx/button.h>
#include <wx/dialog.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace nixtray::gui {

namespace {

wxString side_text(const tray::RollbackSide& side) {
  wxString text = side.created <= 0
                      ? wxString::Format(_("generation %d"), side.number)
                      : wxString::Format(_("generation %d, made %s"), side.number, format_time(side.created));
  if (side.nixos_version) text += " (NixOS " + to_wx(*side.nixos_version) + ")";
  return text;
}

}  // namespace

bool ask_rollback(wxWindow* parent, const tray::RollbackPreview& preview, UiLog& log) {
  wxDialog dialog(parent, wxID_ANY, _("Roll back"), wxDefaultPosition, wxDefaultSize,
                  wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
  auto* top = new wxBoxSizer(wxVERTICAL);
  auto* question = new wxStaticText(&dialog, wxID_ANY, sentence_text(preview.question));
  question->SetFont(question->GetFont().Bold());
  top->Add(question, 0, wxEXPAND | wxALL, dialog.FromDIP(12));

  auto* sides = new wxFlexGridSizer(2, dialog.FromDIP(wxSize(12, 4)));
  sides->Add(new wxStaticText(&dialog, wxID_ANY, _("Now:")));
  sides->Add(new wxStaticText(&dialog, wxID_ANY, side_text(preview.from)));
  sides->Add(new wxStaticText(&dialog, wxID_ANY, _("After the rollback:")));
  sides->Add(new wxStaticText(&dialog, wxID_ANY, side_text(preview.to)));
  top->Add(sides, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, dialog.FromDIP(12));

  add_package_changes(&dialog, top, preview.packages, dialog.FromDIP(12));

  // Cancel on the right: the safe choice where a person's eye ends.
  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  auto* accept = new wxButton(&dialog, wxID_OK, _("Roll back"));
  auto* cancel = new wxButton(&dialog, wxID_CANCEL, _("Cancel"));
  buttons->Add(accept, 0, wxRIGHT, dialog.FromDIP(8));
  buttons->Add(cancel);
  cancel->SetDefault();
  top->Add(buttons, 0, wxALIGN_RIGHT | wxLEFT | wxRIGHT | wxBOTTOM, dialog.FromDIP(12));
  dialog.SetSizerAndFit(top);
  dialog.SetEscapeId(wxID_CANCEL);

  log.write("rollback-preview", {{"from", preview.from.number},
                                 {"to", preview.to.number},
                                 {"from_date", preview.from.date},
                                 {"to_date", preview.to.date},
                                 {"changes", preview.packages.changes.size()},
                                 {"question", from_wx(question->GetLabel())}});
  return dialog.ShowModal() == wxID_OK;
}

}  // namespace nixtray::gui
