#include "copy_trial_window.hpp"

#include "status_context.hpp"
#include "step_list.hpp"
#include "tray_icon_art.hpp"
#include "ui_log.hpp"
#include "ui_thread.hpp"
#include "wx_text.hpp"

#include "core/verify/verify_progress_view.hpp"

#include <wx/button.h>
#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace nixtray::gui {

namespace {

constexpr const char* check_step = "rebuild and verify";

wxString status_text(tray::StepStatus status) {
  switch (status) {
    case tray::StepStatus::running:
      return wxString::FromUTF8("\xE2\x96\xB6 ") + _("running");  // ▶
    case tray::StepStatus::ok:
      return wxString::FromUTF8("\xE2\x9C\x93 ") + _("passed");  // ✓
    case tray::StepStatus::warn:
      return "! " + _("passed with warnings");
    case tray::StepStatus::failed:
      return wxString::FromUTF8("\xE2\x9C\x97 ") + _("failed");  // ✗
    case tray::StepStatus::unknown:
      return "? " + _("unknown");
    case tray::StepStatus::skipped:
      return wxString::FromUTF8("\xE2\x80\x93 ") + _("skipped");  // –
  }
  return {};
}

wxString step_title(const std::string& step, const std::string& distro) {
  if (step == "export") return wxString::Format(_("Export %s"), to_wx(distro));
  if (step == "import") return _("Import it as a copy");
  if (step == check_step) return _("Rebuild the copy and verify its boot");
  if (step == "remove") return _("Remove the copy");
  // One of the copy's check steps, titled as the Verify window titles it.
  return "    " + core_text(tray::verify_step_title(step.substr(step.find('/') + 1)));
}

}  // namespace

CopyTrialWindow::CopyTrialWindow(StatusContext& context, std::string distro)
    : wxFrame(nullptr, wxID_ANY, wxString::Format(_("Try on a copy — %s"), to_wx(distro)), wxDefaultPosition,
              wxDefaultSize, wxDEFAULT_FRAME_STYLE, "nixtray-copy-trial"),
      context_(context),
      distro_(std::move(distro)) {
  SetIcons(context_.art.window_icons(tray::IconId::transition));

  auto* panel = new wxPanel(this);
  auto* top = new wxBoxSizer(wxVERTICAL);
  parts_ = add_step_list(panel, *top, 260);

  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  apply_ = new wxButton(panel, wxID_ANY, wxString::Format(_("Rebuild %s and verify"), to_wx(distro_)));
  apply_->Disable();
  apply_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    tray::MenuCommand command;
    command.action = tray::MenuAction::rebuild_and_verify;
    context_.log.write("copy-trial-apply", {{"distro", distro_}});
    context_.request(command, std::nullopt);  // the button is the consent: it says what it does
    Close();
  });
  auto* close = new wxButton(panel, wxID_CLOSE, _("Close"));
  close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); });
  buttons->Add(apply_, 0, wxRIGHT, FromDIP(8));
  buttons->Add(close);
  top->Add(buttons, 0, wxALIGN_RIGHT | wxALL, FromDIP(12));
  panel->SetSizer(top);
  SetSize(FromDIP(wxSize(820, 520)));
  SetMinSize(FromDIP(wxSize(520, 360)));
}

void CopyTrialWindow::start() {
  parts_.headline->SetLabel(wxString::Format(_("Trying the rebuild on a copy of %s…"), to_wx(distro_)));
  parts_.outcome->SetLabel(wxString::Format(
      _("%s itself is not changed or restarted. The copy is removed at the end, whatever happens."), to_wx(distro_)));
  log_state(false, false);
  context_.host.try_on_copy(
      on_window<CopyTrialWindow, tray::TrialStep>(
          this, [](CopyTrialWindow& w, tray::TrialStep step) { w.show_step(step.name, step.status, step.said); }),
      on_window<CopyTrialWindow, tray::VerifyStep>(this,
                                                   [](CopyTrialWindow& w, tray::VerifyStep step) {
                                                     w.show_step(std::string(check_step) + "/" + step.name, step.status,
                                                                 step.said);
                                                   }),
      on_window<CopyTrialWindow, tray::CopyTrialReport>(
          this, [](CopyTrialWindow& w, tray::CopyTrialReport report) { w.finish(report); }));
}

void CopyTrialWindow::show_step(const std::string& step, tray::StepStatus status, const tray::Sentence& detail) {
  auto row = std::find_if(rows_.begin(), rows_.end(), [&](const Row& r) { return r.step == step; });
  if (row == rows_.end()) {
    rows_.push_back({step, status, detail});
  } else {
    row->status = status;
    row->detail = detail;
  }
  fill_rows();
}

void CopyTrialWindow::fill_rows() {
  parts_.steps->Freeze();
  parts_.steps->DeleteAllItems();
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const auto index = static_cast<long>(i);
    parts_.steps->InsertItem(index, status_text(rows_[i].status));
    parts_.steps->SetItem(index, 1, step_title(rows_[i].step, distro_));
    parts_.steps->SetItem(index, 2, sentence_text(rows_[i].detail));
  }
  parts_.steps->Thaw();
}

void CopyTrialWindow::finish(const tray::CopyTrialReport& report) {
  if (report.passed) {
    parts_.headline->SetLabel(_("The copy rebuilt and booted"));
  } else if (report.check) {
    parts_.headline->SetLabel(
        wxString::Format(_("The rebuild failed on the copy: %s was not changed"), to_wx(distro_)));
  } else {
    parts_.headline->SetLabel(_("The copy could not be made or checked"));
  }
  parts_.outcome->SetLabel(
      sentence_text(report.said) +
      (report.removed ? wxString()
                      : "\n" + wxString::Format(_("The copy %s or its folder is left over."), to_wx(report.copy))));
  parts_.outcome->Wrap(GetClientSize().GetWidth() - FromDIP(24));
  apply_->Enable(report.passed);
  GetChildren().front()->Layout();
  log_state(true, report.passed);
}

void CopyTrialWindow::log_state(bool finished, bool passed) {
  protocol::json steps = protocol::json::array();
  protocol::json details = protocol::json::array();
  for (const auto& row : rows_) {
    steps.push_back(row.step + ": " + std::string(tray::to_string(row.status)));
    details.push_back(from_wx(sentence_text(row.detail)));
  }
  context_.log.write("copy-trial-window", {{"distro", distro_},
                                           {"finished", finished},
                                           {"passed", passed},
                                           {"headline", from_wx(parts_.headline->GetLabel())},
                                           {"outcome", from_wx(parts_.outcome->GetLabel())},
                                           {"steps", steps},
                                           {"details", details}});
}

}  // namespace nixtray::gui
