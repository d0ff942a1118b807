#include "install_nixos_dialog.hpp"

#include "ui_log.hpp"
#include "ui_thread.hpp"
#include "widget_position.hpp"
#include "wx_text.hpp"

#include "core/distro/wsl_list_parser.hpp"
#include "core/onboarding/nixos_import.hpp"

#include <wx/button.h>
#include <wx/dirdlg.h>
#include <wx/filedlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <tuple>

namespace nixtray::gui {

namespace {

wxString step_title(tray::InstallStepName name, const wxString& distro) {
  switch (name) {
    case tray::InstallStepName::check:
      return _("Check the image, the name and the folder");
    case tray::InstallStepName::import:
      return _("Import the image");
    case tray::InstallStepName::activate:
      return _("Run the legacy image's first activation");
    case tray::InstallStepName::start:
      return wxString::Format(_("Start %s"), distro);
  }
  return {};
}

wxString step_mark(tray::InstallStepState state) {
  switch (state) {
    case tray::InstallStepState::running:
      return wxString::FromUTF8("\xE2\x80\xA6");  // …
    case tray::InstallStepState::done:
      return wxString::FromUTF8("\xE2\x9C\x93");  // ✓
    case tray::InstallStepState::failed:
      return wxString::FromUTF8("\xE2\x9C\x97");  // ✗
  }
  return {};
}

}  // namespace

InstallNixosDialog::InstallNixosDialog(wxWindow* parent, StatusContext& context, tray::TraySettings settings)
    : wxDialog(parent, wxID_ANY, _("Install NixOS"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      context_(context),
      settings_(std::move(settings)) {
  auto* top = new wxBoxSizer(wxVERTICAL);
  auto* intro =
      new wxStaticText(this, wxID_ANY,
                       _("nixtray imports a NixOS-WSL image as a new WSL distro (wsl.exe --import) and starts it. "
                         "Download nixos.wsl from github.com/nix-community/NixOS-WSL/releases first."));
  intro->Wrap(FromDIP(520));
  top->Add(intro, 0, wxEXPAND | wxALL, FromDIP(12));

  const auto downloaded = tray::find_downloaded_nixos_image(tray::downloads_folder());
  auto* grid = new wxFlexGridSizer(3, FromDIP(6), FromDIP(8));
  grid->AddGrowableCol(1, 1);
  image_ = new wxTextCtrl(this, wxID_ANY, downloaded ? path_to_wx(*downloaded) : wxString(), wxDefaultPosition,
                          FromDIP(wxSize(420, -1)));
  name_ = new wxTextCtrl(this, wxID_ANY, to_wx(settings_.distro));
  folder_ = new wxTextCtrl(this, wxID_ANY, path_to_wx(tray::default_distro_folder(settings_.distro)));
  auto* browse_image = new wxButton(this, wxID_ANY, _("Browse…"));
  auto* browse_folder = new wxButton(this, wxID_ANY, _("Browse…"));
  const std::tuple<wxString, wxWindow*, wxWindow*> rows[] = {
      {_("Image"), image_, browse_image}, {_("Name"), name_, nullptr}, {_("Folder"), folder_, browse_folder}};
  for (const auto& [label, field, browse] : rows) {
    grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
    grid->Add(field, 1, wxEXPAND | wxALIGN_CENTER_VERTICAL);
    if (browse) {
      grid->Add(browse, 0);
    } else {
      grid->AddSpacer(0);
    }
  }
  top->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));

  steps_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(-1, 120)),
                          wxTE_MULTILINE | wxTE_READONLY);
  top->Add(steps_, 1, wxEXPAND | wxALL, FromDIP(12));

  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  close_ = new wxButton(this, wxID_CLOSE, _("Close"));
  install_ = new wxButton(this, wxID_ANY, _("Install"));
  install_->SetDefault();
  buttons->AddStretchSpacer();
  buttons->Add(close_, 0, wxRIGHT, FromDIP(8));
  buttons->Add(install_, 0);
  top->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));
  SetSizerAndFit(top);

  // The folder follows the name until the person picks one.
  name_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) {
    if (!folder_edited_) folder_->ChangeValue(path_to_wx(tray::default_distro_folder(from_wx(name_->GetValue()))));
  });
  folder_->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { folder_edited_ = true; });
  browse_image->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    wxFileDialog pick(this, _("NixOS-WSL image"), wxEmptyString, wxEmptyString,
                      _("NixOS-WSL images (*.wsl;*.tar.gz;*.tgz)|*.wsl;*.tar.gz;*.tgz|All files|*"),
                      wxFD_OPEN | wxFD_FILE_MUST_EXIST);
    pick.SetPath(image_->GetValue());
    if (pick.ShowModal() == wxID_OK) image_->ChangeValue(pick.GetPath());
  });
  browse_folder->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    wxDirDialog pick(this, _("Folder for the distro's disk"), folder_->GetValue());
    if (pick.ShowModal() == wxID_OK) folder_->SetValue(pick.GetPath());
  });
  install_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { install(); });
  close_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); });
  Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent&) {
    context_.log.write("dialog-closed", {{"title", from_wx(GetTitle())}});
    Destroy();
  });

  Bind(wxEVT_SHOW, [this](wxShowEvent& event) {
    event.Skip();
    if (!event.IsShown()) return;
    context_.log.write("install-dialog", {{"image", from_wx(image_->GetValue())},
                                          {"name", from_wx(name_->GetValue())},
                                          {"folder", from_wx(folder_->GetValue())},
                                          {"install", centre_in_window(*install_)},
                                          {"close", centre_in_window(*close_)}});
  });
}

void InstallNixosDialog::install() {
  tray::NixosImportRequest request;
  request.image = to_path(image_->GetValue());
  request.name = from_wx(name_->GetValue());
  request.folder = to_path(folder_->GetValue());
  install_->Disable();
  shown_steps_.clear();
  steps_->Clear();
  context_.log.write("command", {{"action", "install-nixos"}, {"name", request.name}});
  context_.host.install_nixos(
      std::move(request),
      on_window<InstallNixosDialog, tray::InstallStep>(
          this, [](InstallNixosDialog& dialog, tray::InstallStep step) { dialog.show_step(step); }),
      on_window<InstallNixosDialog, tray::NixosInstallReport>(
          this, [](InstallNixosDialog& dialog, tray::NixosInstallReport report) { dialog.finish(report); }));
}

void InstallNixosDialog::show_step(const tray::InstallStep& step) {
  if (!shown_steps_.empty() && shown_steps_.back().name == step.name) {
    shown_steps_.back() = step;
  } else {
    shown_steps_.push_back(step);
  }
  wxString text;
  const auto distro = name_->GetValue();
  for (const auto& shown : shown_steps_) {
    text += step_mark(shown.state) + " " + step_title(shown.name, distro) + "\n    " + to_wx(shown.detail) + "\n";
  }
  steps_->ChangeValue(text);
}

void InstallNixosDialog::finish(const tray::NixosInstallReport& report) {
  const auto name = from_wx(name_->GetValue());
  protocol::json steps = protocol::json::array();
  for (const auto& step : report.steps) {
    steps.push_back(std::string(tray::to_string(step.name)) + ":" +
                    (step.state == tray::InstallStepState::done ? "done" : "failed"));
  }
  context_.log.write(
      "install",
      {{"result", report.ok ? "ok" : "failed"}, {"name", name}, {"steps", steps}, {"failure", report.failure()}});
  if (!report.ok) {
    install_->Enable();
    return;
  }
  steps_->AppendText(wxString::Format(_("%s is installed and running."), to_wx(name)) + "\n");
  close_->SetLabel(_("Done"));
  Layout();
  // The tray follows the new distro: its name into the settings (a new session), or, when it is
  // the configured one, a fresh look at it now.
  if (tray::same_distro_name(name, settings_.distro)) {
    context_.host.reconnect();
  } else {
    auto settings = settings_;
    settings.distro = name;
    if (const auto error = context_.save_settings(settings); !error.empty()) {
      steps_->AppendText(to_wx(error) + "\n");
    }
  }
}

}  // namespace nixtray::gui
