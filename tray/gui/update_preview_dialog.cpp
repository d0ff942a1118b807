#include "update_preview_dialog.hpp"

#include "display_format.hpp"
#include "package_change_list.hpp"
#include "ui_log.hpp"
#include "wx_text.hpp"

#include <wx/button.h>
#include <wx/datetime.h>
#include <wx/dialog.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace nixtray::gui {

namespace {

// "1a2b3c4  12/01/2024": the revision, and its day as the person's locale writes dates (the day
// is what tells two revisions of a branch apart; a time would only crowd the column).
wxString side_text(const std::string& revision, std::int64_t date) {
  if (revision.empty()) return wxString::FromUTF8("\xE2\x80\x94");
  if (date <= 0) return to_wx(revision);
  return to_wx(revision) + "  " + wxDateTime(static_cast<time_t>(date)).Format("%x");
}

wxListCtrl* input_list(wxWindow* parent, const std::vector<tray::InputMove>& inputs) {
  // A flake has a handful of inputs: as tall as they need, up to six rows (more scroll), so the
  // package list below keeps its room.
  constexpr std::size_t rows_shown = 6;
  const auto rows = static_cast<int>(std::min(inputs.size(), rows_shown));
  auto* list = new wxListCtrl(parent, wxID_ANY, wxDefaultPosition, parent->FromDIP(wxSize(780, 40 + 24 * rows)),
                              wxLC_REPORT | wxLC_SINGLE_SEL);
  list->AppendColumn(_("Input"), wxLIST_FORMAT_LEFT, parent->FromDIP(130));
  list->AppendColumn(_("Source"), wxLIST_FORMAT_LEFT, parent->FromDIP(300));
  list->AppendColumn(_("Locked now"), wxLIST_FORMAT_LEFT, parent->FromDIP(170));
  list->AppendColumn(_("Updated to"), wxLIST_FORMAT_LEFT, parent->FromDIP(170));
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& input = inputs[i];
    const auto row = list->InsertItem(static_cast<long>(i), to_wx(input.name));
    list->SetItem(row, 1, to_wx(input.source));
    list->SetItem(row, 2, side_text(input.from_revision, input.from_date));
    list->SetItem(row, 3, side_text(input.to_revision, input.to_date));
  }
  return list;
}

}  // namespace

bool ask_update(wxWindow* parent, const tray::UpdatePreview& preview, UiLog& log) {
  wxDialog dialog(parent, wxID_ANY, _("Update"), wxDefaultPosition, wxDefaultSize,
                  wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
  const int gap = dialog.FromDIP(12);
  auto* top = new wxBoxSizer(wxVERTICAL);
  auto* headline = new wxStaticText(&dialog, wxID_ANY, sentence_text(preview.headline));
  headline->SetFont(headline->GetFont().Bold());
  top->Add(headline, 0, wxEXPAND | wxALL, gap);
  if (!preview.inputs.empty())
    top->Add(input_list(&dialog, preview.inputs), 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, gap);

  const auto summary = add_package_changes(&dialog, top, preview.packages, gap);

  auto* question = new wxStaticText(&dialog, wxID_ANY, sentence_text(preview.question));
  question->Wrap(dialog.FromDIP(760));
  top->Add(question, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, gap);

  // Discard on the right: the safe choice where a person's eye ends.
  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  auto* accept = new wxButton(&dialog, wxID_OK, _("Switch and verify"));
  auto* discard = new wxButton(&dialog, wxID_CANCEL, _("Discard"));
  buttons->Add(accept, 0, wxRIGHT, dialog.FromDIP(8));
  buttons->Add(discard);
  discard->SetDefault();
  // Without a build there is nothing to switch to (rebuilding would not be the update).
  accept->Enable(preview.system.has_value());
  top->Add(buttons, 0, wxALIGN_RIGHT | wxLEFT | wxRIGHT | wxBOTTOM, gap);
  dialog.SetSizerAndFit(top);
  dialog.SetEscapeId(wxID_CANCEL);

  auto inputs = protocol::json::array();
  for (const auto& input : preview.inputs) {
    inputs.push_back({{"name", input.name}, {"change", from_wx(sentence_text(input.change))}});
  }
  log.write("update-preview", {{"job", preview.job_id},
                               {"headline", from_wx(headline->GetLabel())},
                               {"inputs", inputs},
                               {"summary", from_wx(summary)},
                               {"changes", preview.packages.changes.size()},
                               {"question", from_wx(sentence_text(preview.question))},
                               {"switch", from_wx(accept->GetLabel())},
                               {"discard", from_wx(discard->GetLabel())}});
  return dialog.ShowModal() == wxID_OK;
}

}  // namespace nixtray::gui
