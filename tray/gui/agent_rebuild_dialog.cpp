#include "agent_rebuild_dialog.hpp"

#include "ui_log.hpp"
#include "ui_thread.hpp"
#include "widget_position.hpp"
#include "wx_text.hpp"

#include "core/distro/process_runner.hpp"
#include "core/onboarding/agent_install_rebuild.hpp"

#include <wx/button.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace nixtray::gui {

AgentRebuildDialog::AgentRebuildDialog(wxWindow* parent, StatusContext& context, const tray::TraySettings& settings)
    : wxDialog(parent, wxID_ANY, _("Add the nixtray agent"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      context_(context) {
  auto* top = new wxBoxSizer(wxVERTICAL);
  const auto command = tray::quote_command_line(tray::agent_install_rebuild_command(settings));
  auto* intro = new wxStaticText(
      this, wxID_ANY,
      wxString::Format(_("First add the lines shown in the Overview to the configuration of %s. "
                         "Rebuild then runs, as root inside %s:\n%s\nThe agent starts when the rebuild "
                         "has switched to the new configuration."),
                       to_wx(settings.distro), to_wx(settings.distro), to_wx(command)));
  intro->Wrap(FromDIP(560));
  top->Add(intro, 0, wxEXPAND | wxALL, FromDIP(12));
  status_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  top->Add(status_, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));
  output_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(560, 200)),
                           wxTE_MULTILINE | wxTE_READONLY | wxTE_DONTWRAP | wxHSCROLL);
  output_->SetFont(wxFont(wxFontInfo().Family(wxFONTFAMILY_TELETYPE)));
  top->Add(output_, 1, wxEXPAND | wxALL, FromDIP(12));

  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  close_ = new wxButton(this, wxID_CLOSE, _("Close"));
  rebuild_ = new wxButton(this, wxID_ANY, _("Rebuild"));
  rebuild_->SetDefault();
  buttons->AddStretchSpacer();
  buttons->Add(close_, 0, wxRIGHT, FromDIP(8));
  buttons->Add(rebuild_, 0);
  top->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));
  SetSizerAndFit(top);

  rebuild_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { rebuild(); });
  close_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); });
  Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent&) {
    context_.log.write("dialog-closed", {{"title", from_wx(GetTitle())}});
    Destroy();
  });
  Bind(wxEVT_SHOW, [this, command](wxShowEvent& event) {
    event.Skip();
    if (!event.IsShown()) return;
    context_.log.write(
        "agent-rebuild-dialog",
        {{"command", command}, {"rebuild", centre_in_window(*rebuild_)}, {"close", centre_in_window(*close_)}});
  });
}

void AgentRebuildDialog::rebuild() {
  rebuild_->Disable();
  status_->SetLabel(_("Rebuilding… this takes minutes when much has to be built or downloaded."));
  output_->Clear();
  Layout();
  context_.log.write("command", {{"action", "add-agent-rebuild"}});
  context_.host.rebuild_to_add_agent(on_window<AgentRebuildDialog, tray::ControlResult>(
      this, [](AgentRebuildDialog& dialog, tray::ControlResult result) { dialog.finish(result); }));
}

void AgentRebuildDialog::finish(const tray::ControlResult& result) {
  context_.log.write("agent-rebuild", {{"result", result.ok ? "ok" : "failed"}, {"message", result.message}});
  output_->ChangeValue(to_wx(result.output));
  output_->ShowPosition(output_->GetLastPosition());
  if (!result.ok) {
    status_->SetLabel(wxString::Format(_("The rebuild failed: %s"), to_wx(result.message)));
    rebuild_->Enable();
  } else {
    status_->SetLabel(_("The rebuild succeeded: nixtray looks for the agent again."));
    close_->SetLabel(_("Done"));
    context_.host.reconnect();
  }
  status_->Wrap(FromDIP(560));
  Layout();
}

}  // namespace nixtray::gui
