#include "settings_page.hpp"

#include "ui_log.hpp"
#include "wx_text.hpp"

#include "core/settings/tray_settings.hpp"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/spinctrl.h>
#include <wx/statbox.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <stdexcept>

namespace nixtray::gui {

namespace {
enum Transport { transport_default, transport_unix, transport_tcp, transport_exec };
constexpr const char* prefixes[] = {"", "unix:", "tcp:", "exec:"};
}  // namespace

SettingsPage::SettingsPage(wxWindow* parent, StatusContext& context)
    : wxScrolledWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxVSCROLL), context_(context) {
  SetScrollRate(0, FromDIP(10));
  auto* top = new wxBoxSizer(wxVERTICAL);

  auto* connection = new wxStaticBoxSizer(wxVERTICAL, this, _("Distro and agent"));
  auto* grid = new wxFlexGridSizer(2, FromDIP(6), FromDIP(12));
  grid->AddGrowableCol(1, 1);
  auto* box = connection->GetStaticBox();
  distro_ = new wxTextCtrl(box, wxID_ANY);
  transport_ = new wxChoice(box, wxID_ANY);
  transport_->Append(wxString::Format(_("Default (%s)"), to_wx(tray::default_agent_address("NixOS"))));
  transport_->Append(_("Unix socket"));
  transport_->Append(_("TCP on the loopback, with a token"));
  transport_->Append(_("A command whose stdin/stdout carry the protocol"));
  address_ = new wxTextCtrl(box, wxID_ANY);
  token_file_ = new wxTextCtrl(box, wxID_ANY);
  grid->Add(new wxStaticText(box, wxID_ANY, _("Distro name")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(distro_, 1, wxEXPAND);
  grid->Add(new wxStaticText(box, wxID_ANY, _("Transport")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(transport_, 1, wxEXPAND);
  grid->Add(new wxStaticText(box, wxID_ANY, _("Address")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(address_, 1, wxEXPAND);
  grid->Add(new wxStaticText(box, wxID_ANY, _("Token file")), 0, wxALIGN_CENTER_VERTICAL);
  grid->Add(token_file_, 1, wxEXPAND);
  connection->Add(grid, 0, wxEXPAND | wxALL, FromDIP(8));
  if (!context_.overrides.empty()) {
    wxString joined;
    for (const auto& o : context_.overrides) joined += (joined.empty() ? "" : "  ") + to_wx(o);
    auto* note = new wxStaticText(box, wxID_ANY,
                                  wxString::Format(_("This session uses %s from the command line; the saved connection "
                                                     "applies when nixtray starts without it."),
                                                   joined));
    note->Wrap(FromDIP(600));
    connection->Add(note, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(8));
  }
  top->Add(connection, 0, wxEXPAND | wxALL, FromDIP(12));

  auto* rebuild = new wxStaticBoxSizer(wxVERTICAL, this, _("Rebuild"));
  auto* rebuild_box = rebuild->GetStaticBox();
  auto* flake_row = new wxBoxSizer(wxHORIZONTAL);
  flake_row->Add(new wxStaticText(rebuild_box, wxID_ANY, _("Flake")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT,
                 FromDIP(12));
  flake_ = new wxTextCtrl(rebuild_box, wxID_ANY);
  flake_->SetHint(_("empty: the agent's default configuration"));
  flake_row->Add(flake_, 1, wxEXPAND);
  rebuild->Add(flake_row, 0, wxEXPAND | wxALL, FromDIP(8));
  review_ = new wxCheckBox(rebuild_box, wxID_ANY, _("Build first and ask before activating"));
  auto_verify_ = new wxCheckBox(rebuild_box, wxID_ANY, _("Verify boot after each rebuild"));
  auto* rebuild_checks = new wxBoxSizer(wxHORIZONTAL);
  rebuild_checks->Add(review_, 0, wxRIGHT, FromDIP(24));
  rebuild_checks->Add(auto_verify_, 0);
  rebuild->Add(rebuild_checks, 0, wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(8));
  top->Add(rebuild, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));

  auto* notify = new wxStaticBoxSizer(wxVERTICAL, this, _("Notify me when"));
  auto* notify_box = notify->GetStaticBox();
  notify_job_ = new wxCheckBox(notify_box, wxID_ANY, _("a rebuild or rollback fails"));
  notify_verify_ = new wxCheckBox(notify_box, wxID_ANY, _("verify boot fails or rolls back"));
  notify_unit_ = new wxCheckBox(notify_box, wxID_ANY, _("a systemd unit fails"));
  notify_stopped_ = new wxCheckBox(notify_box, wxID_ANY, _("the distro stops without being asked to"));
  notify_unverified_ = new wxCheckBox(notify_box, wxID_ANY, _("a new generation is unverified"));
  notify_job_done_ = new wxCheckBox(notify_box, wxID_ANY, _("a switch, rollback or garbage collection succeeds"));
  notify_verify_passed_ = new wxCheckBox(notify_box, wxID_ANY, _("verify boot passes"));
  notify_updates_ = new wxCheckBox(notify_box, wxID_ANY, _("updates are available (checked once a day)"));
  notify_low_space_ = new wxCheckBox(notify_box, wxID_ANY, _("free disk space is below (GiB)"));
  low_space_gib_ = new wxSpinCtrl(notify_box, wxID_ANY, "5", wxDefaultPosition, FromDIP(wxSize(130, -1)),
                                  wxSP_ARROW_KEYS, 1, 10000, 5);
  auto* notify_grid = new wxGridSizer(2, FromDIP(6), FromDIP(24));
  for (auto* check : {notify_job_, notify_verify_, notify_unit_, notify_stopped_, notify_unverified_, notify_job_done_,
                      notify_verify_passed_, notify_updates_}) {
    notify_grid->Add(check, 0);
  }
  auto* low_space = new wxBoxSizer(wxHORIZONTAL);
  low_space->Add(notify_low_space_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
  low_space->Add(low_space_gib_, 0, wxALIGN_CENTER_VERTICAL);
  notify_grid->Add(low_space, 0);
  notify->Add(notify_grid, 0, wxEXPAND | wxALL, FromDIP(8));
  top->Add(notify, 0, wxEXPAND | wxALL, FromDIP(12));

  auto* login_row = new wxBoxSizer(wxHORIZONTAL);
  start_at_login_ = new wxCheckBox(this, wxID_ANY, _("Start nixtray when I log in"));
  login_row->Add(start_at_login_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(12));
  auto* where = new wxStaticText(this, wxID_ANY, "(" + to_wx(context_.start_at_login_place) + ")");
  where->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
  login_row->Add(where, 0, wxALIGN_CENTER_VERTICAL);
  top->Add(login_row, 0, wxLEFT | wxRIGHT, FromDIP(12));
  start_distro_at_login_ = new wxCheckBox(this, wxID_ANY, _("Then start the distro as well"));
  top->Add(start_distro_at_login_, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));

  auto* buttons = new wxBoxSizer(wxHORIZONTAL);
  auto* save_button = new wxButton(this, wxID_SAVE, _("Save"));
  auto* revert = new wxButton(this, wxID_REVERT_TO_SAVED, _("Revert"));
  buttons->Add(save_button, 0, wxRIGHT, FromDIP(8));
  buttons->Add(revert, 0, wxRIGHT, FromDIP(8));
  result_ = new wxStaticText(this, wxID_ANY, wxString::Format(_("Settings file: %s"), to_wx(context_.settings_file)));
  buttons->Add(result_, 1, wxALIGN_CENTER_VERTICAL | wxLEFT, FromDIP(8));
  top->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(12));
  SetSizer(top);
  FitInside();

  transport_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
    editing_ = true;
    transport_changed();
  });
  for (auto* text : {distro_, address_, token_file_, flake_}) {
    text->Bind(wxEVT_TEXT, [this](wxCommandEvent& event) {
      editing_ = true;
      event.Skip();
    });
  }
  for (auto* check : {review_, auto_verify_, notify_job_, notify_verify_, notify_unit_, notify_stopped_,
                      notify_unverified_, notify_job_done_, notify_verify_passed_, notify_updates_, notify_low_space_,
                      start_at_login_, start_distro_at_login_}) {
    check->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { editing_ = true; });
  }
  low_space_gib_->Bind(wxEVT_SPINCTRL, [this](wxSpinEvent&) { editing_ = true; });
  save_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { save(); });
  revert->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    editing_ = false;
    load(shown_);
    result_->SetLabel(_("Reverted to the saved settings."));
  });
}

void SettingsPage::update(const SessionSnapshot& snapshot) {
  if (editing_) return;
  const auto same = tray::settings_to_json(snapshot.settings) == tray::settings_to_json(shown_);
  shown_ = snapshot.settings;
  if (!same || distro_->IsEmpty()) load(shown_);
}

void SettingsPage::load(const tray::TraySettings& settings) {
  distro_->ChangeValue(to_wx(settings.distro));
  int transport = transport_default;
  std::string address;
  for (int i = transport_unix; i <= transport_exec; ++i) {
    if (settings.agent.rfind(prefixes[i], 0) == 0) {
      transport = i;
      address = settings.agent.substr(std::string_view(prefixes[i]).size());
    }
  }
  transport_->SetSelection(transport);
  address_->ChangeValue(to_wx(address));
  token_file_->ChangeValue(settings.token_file ? to_wx(*settings.token_file) : wxString());
  flake_->ChangeValue(settings.flake ? to_wx(*settings.flake) : wxString());
  review_->SetValue(settings.review_rebuild);
  auto_verify_->SetValue(settings.auto_verify_after_rebuild);
  notify_job_->SetValue(settings.notifications.job_failed);
  notify_verify_->SetValue(settings.notifications.verify_failed);
  notify_unit_->SetValue(settings.notifications.unit_failed);
  notify_stopped_->SetValue(settings.notifications.distro_stopped);
  notify_unverified_->SetValue(settings.notifications.unverified);
  notify_job_done_->SetValue(settings.notifications.job_succeeded);
  notify_verify_passed_->SetValue(settings.notifications.verify_passed);
  notify_updates_->SetValue(settings.notifications.updates_available);
  notify_low_space_->SetValue(settings.notifications.low_space);
  low_space_gib_->SetValue(settings.notifications.low_space_gib);
  start_at_login_->SetValue(settings.start_at_login);
  start_distro_at_login_->SetValue(settings.start_distro_at_login);
  transport_changed();
}

void SettingsPage::transport_changed() {
  const int transport = transport_->GetSelection();
  address_->Enable(transport != transport_default);
  token_file_->Enable(transport == transport_tcp);
  switch (transport) {
    case transport_unix:
      address_->SetHint("/run/nixtray/agent.sock");
      break;
    case transport_tcp:
      address_->SetHint("127.0.0.1:7461");
      break;
    case transport_exec:
      address_->SetHint("nixtray-agent bridge --socket /run/nixtray/agent.sock");
      break;
    default:
      address_->SetHint(wxEmptyString);
      break;
  }
}

tray::TraySettings SettingsPage::edited() const {
  auto settings = shown_;
  settings.distro = from_wx(distro_->GetValue().Strip(wxString::both));
  const int transport = transport_->GetSelection();
  const auto address = from_wx(address_->GetValue().Strip(wxString::both));
  settings.agent = transport <= transport_default ? std::string() : prefixes[transport] + address;
  const auto token = from_wx(token_file_->GetValue().Strip(wxString::both));
  settings.token_file = token.empty() ? std::nullopt : std::optional<std::string>(token);
  const auto flake = from_wx(flake_->GetValue().Strip(wxString::both));
  settings.flake = flake.empty() ? std::nullopt : std::optional<std::string>(flake);
  settings.review_rebuild = review_->GetValue();
  settings.auto_verify_after_rebuild = auto_verify_->GetValue();
  settings.notifications.job_failed = notify_job_->GetValue();
  settings.notifications.verify_failed = notify_verify_->GetValue();
  settings.notifications.unit_failed = notify_unit_->GetValue();
  settings.notifications.distro_stopped = notify_stopped_->GetValue();
  settings.notifications.unverified = notify_unverified_->GetValue();
  settings.notifications.job_succeeded = notify_job_done_->GetValue();
  settings.notifications.verify_passed = notify_verify_passed_->GetValue();
  settings.notifications.updates_available = notify_updates_->GetValue();
  settings.notifications.low_space = notify_low_space_->GetValue();
  settings.notifications.low_space_gib = low_space_gib_->GetValue();
  settings.start_at_login = start_at_login_->GetValue();
  settings.start_distro_at_login = start_distro_at_login_->GetValue();
  return settings;
}

void SettingsPage::save() {
  const auto settings = edited();
  if (settings.distro.empty()) {
    result_->SetLabel(_("The distro needs a name."));
    return;
  }
  const auto problem = context_.save_settings(settings);
  if (!problem.empty()) {
    result_->SetLabel(core_text(problem));
    Layout();
    return;
  }
  editing_ = false;
  shown_ = settings;
  result_->SetLabel(wxString::Format(_("Saved to %s"), to_wx(context_.settings_file)));
  context_.log.write("settings", {{"saved", true}});
  Layout();
}

}  // namespace nixtray::gui
