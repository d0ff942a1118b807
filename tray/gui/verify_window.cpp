#include "verify_window.hpp"

#include "status_context.hpp"
#include "step_list.hpp"
#include "tray_icon_art.hpp"
#include "ui_log.hpp"
#include "wx_text.hpp"

#include <wx/button.h>
#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace nixtray::gui {

namespace {

// A mark a person tells apart without colour, then the state's word.
wxString state_text(tray::StepRowState state) {
  const char* mark = "";
  switch (state) {
    case tray::StepRowState::pending:
      mark = "\xC2\xB7 ";  // ·
      break;
    case tray::StepRowState::running:
      mark = "\xE2\x96\xB6 ";  // ▶
      break;
    case tray::StepRowState::passed:
      mark = "\xE2\x9C\x93 ";  // ✓
      break;
    case tray::StepRowState::warned:
      mark = "! ";
      break;
    case tray::StepRowState::failed:
      mark = "\xE2\x9C\x97 ";  // ✗
      break;
    case tray::StepRowState::unknown:
      mark = "? ";
      break;
    case tray::StepRowState::skipped:
      mark = "\xE2\x80\x93 ";  // –
      break;
  }
  return to_wx(mark) + core_text(tray::step_row_state_text(state));
}

}  // namespace

VerifyWindow::VerifyWindow(StatusContext& context)
    : wxFrame(nullptr, wxID_ANY, _("Verify boot"), wxDefaultPosition, wxDefaultSize, wxDEFAULT_FRAME_STYLE,
              "nixtray-verify"),
      context_(context) {
  SetIcons(context_.art.window_icons(tray::IconId::transition));

  auto* panel = new wxPanel(this);
  auto* top = new wxBoxSizer(wxVERTICAL);
  parts_ = add_step_list(panel, *top, 220);

  evidence_title_ = new wxStaticText(panel, wxID_ANY, _("What broke"));
  evidence_title_->SetFont(evidence_title_->GetFont().Bold());
  top->Add(evidence_title_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
  evidence_ = new wxTextCtrl(panel, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(-1, 200)),
                             wxTE_MULTILINE | wxTE_READONLY);  // long lines wrap: all of them is read
  evidence_->SetFont(wxFont(wxFontInfo().Family(wxFONTFAMILY_TELETYPE)));
  top->Add(evidence_, 1, wxEXPAND | wxALL, FromDIP(12));
  top->Show(evidence_title_, false);
  top->Show(evidence_, false);

  auto* close = new wxButton(panel, wxID_CLOSE, _("Close"));
  close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); });
  top->Add(close, 0, wxALIGN_RIGHT | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));
  panel->SetSizer(top);
  SetSize(FromDIP(wxSize(860, 620)));
  SetMinSize(FromDIP(wxSize(560, 420)));
}

void VerifyWindow::update(const tray::VerifyProgressView& view, const std::string& distro) {
  SetTitle(wxString::Format(_("Verify boot — %s"), to_wx(distro)));
  parts_.headline->SetLabel(sentence_text(view.headline()));
  parts_.outcome->SetLabel(sentence_text(view.outcome()));
  const int width = GetClientSize().GetWidth() - FromDIP(24);
  parts_.headline->Wrap(width);
  parts_.outcome->Wrap(width);
  fill_steps(view);
  fill_evidence(view);
  evidence_->GetParent()->Layout();  // the panel's sizer: the evidence may have appeared

  const auto* running = view.running();
  protocol::json sections = protocol::json::array();
  for (const auto& section : view.evidence()) sections.push_back(section.heading);
  const protocol::json entry{{"serial", view.serial()},
                             {"finished", view.finished()},
                             {"failed", view.failed()},
                             {"step", running ? running->name : std::string()},
                             {"phase", running ? running->phase : std::string()},
                             {"headline", from_wx(parts_.headline->GetLabel())},
                             {"outcome", from_wx(parts_.outcome->GetLabel())},
                             {"sections", sections}};
  if (entry.dump() == logged_) return;
  logged_ = entry.dump();
  context_.log.write("verify-window", entry);
}

void VerifyWindow::fill_steps(const tray::VerifyProgressView& view) {
  const auto& rows = view.rows();
  parts_.steps->Freeze();
  while (parts_.steps->GetItemCount() > static_cast<int>(rows.size()))
    parts_.steps->DeleteItem(parts_.steps->GetItemCount() - 1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const auto index = static_cast<long>(i);
    if (index >= parts_.steps->GetItemCount()) parts_.steps->InsertItem(index, wxEmptyString);
    parts_.steps->SetItem(index, 0, state_text(row.state));
    const auto title = core_text(row.title);
    parts_.steps->SetItem(index, 1,
                          row.phase == "recover" ? wxString::Format(_("After the rollback: %s"), title) : title);
    parts_.steps->SetItem(index, 2,
                          row.detail_sentence.empty() ? core_text(row.detail) : sentence_text(row.detail_sentence));
    if (row.state == tray::StepRowState::running) parts_.steps->EnsureVisible(index);
  }
  // The state and the step's title in full (their length depends on the language); the detail
  // takes the rest and scrolls.
  for (const int column : {0, 1}) {
    parts_.steps->SetColumnWidth(column, wxLIST_AUTOSIZE);
    parts_.steps->SetColumnWidth(column, parts_.steps->GetColumnWidth(column) + FromDIP(12));
  }
  parts_.steps->Thaw();
}

void VerifyWindow::fill_evidence(const tray::VerifyProgressView& view) {
  wxString text;
  for (const auto& section : view.evidence()) {
    if (!text.empty()) text += "\n";
    text += core_text(section.heading) + "\n";
    for (const auto& line : section.lines) text += "  " + sentence_text(line) + "\n";
  }
  if (evidence_->GetValue() != text) evidence_->ChangeValue(text);
  auto* sizer = evidence_->GetContainingSizer();
  sizer->Show(evidence_title_, !text.empty());
  sizer->Show(evidence_, !text.empty());
}

}  // namespace nixtray::gui
