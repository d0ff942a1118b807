#include "status_window.hpp"

#include "generations_page.hpp"
#include "jobs_page.hpp"
#include "notice_bar.hpp"
#include "overview_page.hpp"
#include "settings_page.hpp"
#include "tray_icon_art.hpp"
#include "ui_log.hpp"
#include "wx_text.hpp"

#include "core/state/state_text.hpp"

#include <wx/notebook.h>
#include <wx/sizer.h>
#include <wx/statusbr.h>

namespace nixtray::gui {

StatusWindow::StatusWindow(StatusContext& context, const wxString& title)
    : wxFrame(nullptr, wxID_ANY, title, wxDefaultPosition, wxDefaultSize, wxDEFAULT_FRAME_STYLE, "nixtray-status"),
      context_(context) {
  SetIcons(context_.art.window_icons(tray::IconId::running));

  auto* top = new wxBoxSizer(wxVERTICAL);
  notice_ = new NoticeBar(this);
  top->Add(notice_, 0, wxEXPAND);
  tabs_ = new wxNotebook(this, wxID_ANY);
  overview_ = new OverviewPage(tabs_, context_);
  generations_ = new GenerationsPage(tabs_, context_);
  jobs_ = new JobsPage(tabs_, context_);
  settings_ = new SettingsPage(tabs_, context_);
  tabs_->AddPage(overview_, _("Overview"));
  tabs_->AddPage(generations_, _("Generations"));
  tabs_->AddPage(jobs_, _("Jobs"));
  tabs_->AddPage(settings_, _("Settings"));
  top->Add(tabs_, 1, wxEXPAND);
  SetSizer(top);
  CreateStatusBar();
  SetSize(FromDIP(wxSize(860, 640)));
  SetMinSize(FromDIP(wxSize(640, 480)));

  tabs_->Bind(wxEVT_NOTEBOOK_PAGE_CHANGED, [this](wxBookCtrlEvent& event) {
    context_.log.write("tab", {{"tab", std::string(to_string(current_tab()))}});
    event.Skip();
  });
}

void StatusWindow::update(const SessionSnapshot& snapshot) {
  const auto view = tray::present(snapshot.state, snapshot.menu.distro_name);
  SetTitle(wxString::Format(_("nixtray — %s"), to_wx(snapshot.menu.distro_name)));
  SetStatusText(detail_text(view));
  overview_->update(snapshot);
  generations_->update(snapshot);
  jobs_->update(snapshot);
  settings_->update(snapshot);
}

void StatusWindow::show_tab(StatusTab tab) { tabs_->SetSelection(static_cast<std::size_t>(tab)); }

StatusTab StatusWindow::current_tab() const {
  switch (tabs_->GetSelection()) {
    case 1:
      return StatusTab::generations;
    case 2:
      return StatusTab::jobs;
    case 3:
      return StatusTab::settings;
    default:
      return StatusTab::overview;
  }
}

void StatusWindow::show_job(const std::string& job_id) {
  show_tab(StatusTab::jobs);
  jobs_->show_job(job_id);
}

void StatusWindow::show_unit(const std::string& unit) {
  show_tab(StatusTab::overview);
  overview_->show_unit(unit);
}

void StatusWindow::job_log_arrived(const tray::JobLogReceived& log) { jobs_->job_log_arrived(log); }

void StatusWindow::show_error(const wxString& message) { SetStatusText(message); }

void StatusWindow::show_notice(const wxString& message) {
  notice_->show_message(message);
  Layout();
}

}  // namespace nixtray::gui
