#include "verify_window.hpp"

#include "status_context.hpp"
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
  wxIcon icon;
  icon.CopyFromBitmap(context_.art.bitmap(tray::IconId::transition, 32));
  SetIcon(icon);

  auto* panel = new wxPanel(this);
  auto* top = new wxBoxSizer(wxVERTICAL);
  headline_ = new wxStaticText(panel, wxID_ANY, wxEmptyString);
  headline_->SetFont(headline_->GetFont().Larger().Bold());
  top->Add(headline_, 0, wxEXPAND | wxALL, FromDIP(12));
  outcome_ = new wxStaticText(panel, wxID_ANY, wxEmptyString);
  top->Add(outcome_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));

  steps_ = new wxListCtrl(panel, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 220)), wxLC_REPORT | wxLC_SINGLE_SEL);
  steps_->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, FromDIP(170));
  steps_->AppendColumn(_("Step"), wxLIST_FORMAT_LEFT, FromDIP(270));
  steps_->AppendColumn(_("Detail"), wxLIST_FORMAT_LEFT, FromDIP(900));
  top->Add(steps_, 1, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));

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
  headline_->SetLabel(sentence_text(view.headline()));
  outcome_->SetLabel(sentence_text(view.outcome()));
  const int width = GetClientSize().GetWidth() - FromDIP(24);
  headline_->Wrap(width);
  outcome_->Wrap(width);
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
                             {"headline", from_wx(headline_->GetLabel())},
                             {"outcome", from_wx(outcome_->GetLabel())},
                             {"sections", sections}};
  if (entry.dump() == logged_) return;
  logged_ = entry.dump();
  context_.log.write("verify-window", entry);
}

void VerifyWindow::fill_steps(const tray::VerifyProgressView& view) {
  const auto& rows = view.rows();
  steps_->Freeze();
  while (steps_->GetItemCount() > static_cast<int>(rows.size())) steps_->DeleteItem(steps_->GetItemCount() - 1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const auto index = static_cast<long>(i);
    if (index >= steps_->GetItemCount()) steps_->InsertItem(index, wxEmptyString);
    steps_->SetItem(index, 0, state_text(row.state));
    const auto title = core_text(row.title);
    steps_->SetItem(index, 1, row.phase == "recover" ? wxString::Format(_("After the rollback: %s"), title) : title);
    steps_->SetItem(index, 2, core_text(row.detail));
    if (row.state == tray::StepRowState::running) steps_->EnsureVisible(index);
  }
  // The state and the step's title in full (their length depends on the language); the detail
  // takes the rest and scrolls.
  for (const int column : {0, 1}) {
    steps_->SetColumnWidth(column, wxLIST_AUTOSIZE);
    steps_->SetColumnWidth(column, steps_->GetColumnWidth(column) + FromDIP(12));
  }
  steps_->Thaw();
}

void VerifyWindow::fill_evidence(const tray::VerifyProgressView& view) {
  wxString text;
  for (const auto& section : view.evidence()) {
    if (!text.empty()) text += "\n";
    text += core_text(section.heading) + "\n";
    for (const auto& line : section.lines) text += "  " + to_wx(line) + "\n";
  }
  if (evidence_->GetValue() != text) evidence_->ChangeValue(text);
  auto* sizer = evidence_->GetContainingSizer();
  sizer->Show(evidence_title_, !text.empty());
  sizer->Show(evidence_, !text.empty());
}

}  // namespace nixtray::gui
