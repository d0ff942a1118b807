#include "overview_page.hpp"

#include "agent_rebuild_dialog.hpp"
#include "display_format.hpp"
#include "install_nixos_dialog.hpp"
#include "tray_icon_art.hpp"
#include "ui_thread.hpp"
#include "wx_text.hpp"

#include "core/onboarding/onboarding_advice.hpp"
#include "core/state/state_text.hpp"
#include "ui_log.hpp"
#include "widget_position.hpp"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/clipbrd.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/statbmp.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>

namespace nixtray::gui {

namespace {
enum Fact { distro, agent, systemd, nixos, generations, pending, job, fact_count };

wxString system_state_text(protocol::SystemState state) {
  switch (state) {
    case protocol::SystemState::initializing:
      return _("initializing");
    case protocol::SystemState::starting:
      return _("starting");
    case protocol::SystemState::running:
      return _("running");
    case protocol::SystemState::degraded:
      return _("degraded");
    case protocol::SystemState::maintenance:
      return _("maintenance");
    case protocol::SystemState::stopping:
      return _("stopping");
    case protocol::SystemState::offline:
      return _("offline (systemd does not answer)");
    case protocol::SystemState::unknown:
      break;
  }
  return _("unknown");
}
}  // namespace

OverviewPage::OverviewPage(wxWindow* parent, StatusContext& context) : wxPanel(parent), context_(context) {
  auto* top = new wxBoxSizer(wxVERTICAL);

  target_row_ = new wxBoxSizer(wxHORIZONTAL);
  target_row_->Add(new wxStaticText(this, wxID_ANY, _("Target:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(8));
  targets_ = new wxChoice(this, wxID_ANY);
  targets_->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) {
    const auto index = targets_->GetSelection();
    if (index == wxNOT_FOUND || static_cast<std::size_t>(index) >= target_names_.size()) return;
    const auto& name = target_names_[static_cast<std::size_t>(index)];
    context_.log.write("select-target", {{"target", name}, {"from", "overview"}});
    context_.host.select(name);
  });
  target_row_->Add(targets_, 1, wxALIGN_CENTER_VERTICAL);
  top->Add(target_row_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
  top->Show(target_row_, false);

  auto* head = new wxBoxSizer(wxHORIZONTAL);
  icon_ = new wxStaticBitmap(this, wxID_ANY, context_.art.bitmap(tray::IconId::transition, 48));
  head->Add(icon_, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(12));
  auto* words = new wxBoxSizer(wxVERTICAL);
  headline_ = new wxStaticText(this, wxID_ANY, _("Connecting to the agent…"));
  headline_->SetFont(headline_->GetFont().Larger().Bold());
  detail_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  words->Add(headline_, 0, wxEXPAND);
  words->Add(detail_, 0, wxEXPAND | wxTOP, FromDIP(4));
  head->Add(words, 1, wxALIGN_CENTER_VERTICAL);
  top->Add(head, 0, wxEXPAND | wxALL, FromDIP(12));

  // What a failed boot check found, in one place: its steps, the failed step's output (the
  // console's shell, the activation's errors) and the agent's evidence of the failed boot.
  verify_evidence_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(-1, 160)),
                                    wxTE_MULTILINE | wxTE_READONLY | wxTE_DONTWRAP | wxHSCROLL);
  verify_evidence_->SetFont(wxFont(wxFontInfo().Family(wxFONTFAMILY_TELETYPE)));
  top->Add(verify_evidence_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));
  top->Show(verify_evidence_, false);

  advice_ = new wxBoxSizer(wxVERTICAL);
  advice_title_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  advice_title_->SetFont(advice_title_->GetFont().Bold());
  advice_text_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  advice_snippet_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(-1, 110)),
                                   wxTE_MULTILINE | wxTE_READONLY | wxTE_DONTWRAP | wxHSCROLL);
  advice_snippet_->SetFont(wxFont(wxFontInfo().Family(wxFONTFAMILY_TELETYPE)));
  auto* copy = new wxButton(this, wxID_ANY, _("Copy"));
  copy->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    if (wxTheClipboard->Open()) {
      wxTheClipboard->SetData(new wxTextDataObject(advice_snippet_->GetValue()));
      wxTheClipboard->Close();
    }
  });
  advice_->Add(advice_title_, 0, wxEXPAND);
  advice_->Add(advice_text_, 0, wxEXPAND | wxTOP, FromDIP(4));
  advice_->Add(advice_snippet_, 0, wxEXPAND | wxTOP, FromDIP(6));
  advice_action_ = new wxButton(this, wxID_ANY, wxEmptyString);
  advice_action_->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { run_advice_action(); });
  auto* advice_buttons = new wxBoxSizer(wxHORIZONTAL);
  advice_buttons->AddStretchSpacer();
  advice_buttons->Add(copy, 0);
  advice_buttons->Add(advice_action_, 0, wxLEFT, FromDIP(8));
  advice_->Add(advice_buttons, 0, wxEXPAND | wxTOP, FromDIP(4));
  top->Add(advice_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));
  top->Show(advice_, false);

  auto* grid = new wxFlexGridSizer(2, FromDIP(4), FromDIP(16));
  grid->AddGrowableCol(1, 1);
  const wxString names[fact_count] = {_("Distro"),      _("Agent"),   _("systemd"),    _("NixOS"),
                                      _("Generations"), _("Pending"), _("Running job")};
  for (const auto& name : names) {
    auto* key = new wxStaticText(this, wxID_ANY, name);
    key->SetFont(key->GetFont().Bold());
    auto* value = new wxStaticText(this, wxID_ANY, wxString::FromUTF8("\xE2\x80\x94"));
    grid->Add(key, 0, wxALIGN_TOP);
    grid->Add(value, 1, wxEXPAND);
    facts_.emplace_back(key, value);
  }
  top->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));

  auto* units_title = new wxStaticText(this, wxID_ANY, _("Failed units"));
  units_title->SetFont(units_title->GetFont().Bold());
  top->Add(units_title, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
  units_empty_ = new wxStaticText(this, wxID_ANY, _("No failed units."));
  top->Add(units_empty_, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));

  // The failed units above, the selected one's journal below: journal lines are long.
  units_ = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 96)), wxLC_REPORT | wxLC_SINGLE_SEL);
  units_->AppendColumn(_("Unit"), wxLIST_FORMAT_LEFT, FromDIP(300));
  units_->AppendColumn(_("Result"), wxLIST_FORMAT_LEFT, FromDIP(120));
  units_->AppendColumn(_("Since"), wxLIST_FORMAT_LEFT, FromDIP(160));
  top->Add(units_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
  journal_title_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  top->Add(journal_title_, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
  journal_ = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                            wxTE_MULTILINE | wxTE_READONLY | wxTE_DONTWRAP | wxHSCROLL);
  journal_->SetFont(wxFont(wxFontInfo().Family(wxFONTFAMILY_TELETYPE)));
  top->Add(journal_, 1, wxEXPAND | wxALL, FromDIP(12));
  SetSizer(top);

  // Where the action button is, for the UI log, once the window is on screen (positions mean
  // nothing before).
  wxGetTopLevelParent(this)->Bind(wxEVT_SHOW, [this](wxShowEvent& event) {
    event.Skip();
    if (event.IsShown()) CallAfter([this] { log_advice_action(); });
  });

  units_->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& event) {
    const auto index = static_cast<std::size_t>(event.GetIndex());
    if (index < unit_names_.size() && unit_names_[index] != selected_unit_) {
      selected_unit_ = unit_names_[index];
      fetch_unit_log(selected_unit_);
    }
  });
}

void OverviewPage::update(const SessionSnapshot& snapshot) {
  const auto view = tray::present(snapshot.state, snapshot.menu.distro_name);
  const auto key =
      std::string(tray::to_string(view.icon)) + (view.progress_percent ? std::to_string(*view.progress_percent) : "");
  if (key != icon_key_) {
    icon_key_ = key;
    icon_->SetBitmap(context_.art.bitmap(view.icon, FromDIP(48), view.progress_percent));
  }
  // After a failed check the headline says what happened in words (core's sentence, translated).
  const auto& last_verify = snapshot.state.last_verify;
  const bool verify_failed =
      snapshot.state.condition == tray::TrayCondition::verify_failed && last_verify && !last_verify->headline.empty();
  headline_->SetLabel(verify_failed ? sentence_text(last_verify->headline) : tooltip_text(view));
  detail_->SetLabel(detail_text(view));
  detail_->Wrap(GetClientSize().GetWidth() > FromDIP(200) ? GetClientSize().GetWidth() - FromDIP(100) : FromDIP(500));
  settings_ = snapshot.settings;
  fill_targets(snapshot);
  fill_verify_evidence(snapshot);
  const bool advice_changed = fill_advice(snapshot);
  fill_facts(snapshot);
  fill_units(snapshot);
  Layout();
  if (advice_changed) log_advice_action();
}

void OverviewPage::fill_targets(const SessionSnapshot& snapshot) {
  const auto& targets = snapshot.menu.targets;
  GetSizer()->Show(target_row_, targets.size() > 1);
  std::vector<std::string> names;
  wxArrayString labels;
  int selected = wxNOT_FOUND;
  for (const auto& target : targets) {
    if (target.selected) selected = static_cast<int>(names.size());
    names.push_back(target.name);
    labels.Add(sentence_text(tray::target_line_sentence(target)));
  }
  bool same = names == target_names_ && labels.size() == targets_->GetCount();
  for (unsigned i = 0; same && i < labels.size(); ++i) same = targets_->GetString(i) == labels[i];
  if (!same) {
    target_names_ = std::move(names);
    targets_->Set(labels);
  }
  if (targets_->GetSelection() != selected) targets_->SetSelection(selected);
}

void OverviewPage::fill_verify_evidence(const SessionSnapshot& snapshot) {
  const auto& state = snapshot.state;
  std::string text;
  if (state.condition == tray::TrayCondition::verify_failed && state.last_verify) {
    for (const auto& line : state.last_verify->evidence) text += line + "\n";
  }
  if (text == shown_evidence_) return;
  shown_evidence_ = text;
  verify_evidence_->ChangeValue(to_wx(text));
  GetSizer()->Show(verify_evidence_, !text.empty());
  if (!text.empty()) context_.log.write("verify-evidence", {{"lines", state.last_verify->evidence.size()}});
}

void OverviewPage::log_advice_action() {
  if (!advice_step_ || !advice_action_->IsShownOnScreen()) return;
  const protocol::json entry{{"label", from_wx(advice_action_->GetLabel())}, {"at", centre_in_window(*advice_action_)}};
  if (entry == logged_advice_action_) return;
  logged_advice_action_ = entry;
  context_.log.write("advice-action", entry);
}

bool OverviewPage::fill_advice(const SessionSnapshot& snapshot) {
  const auto advice = tray::onboarding_advice(snapshot.state, snapshot.menu.distro_name);
  const auto key = advice ? std::string(tray::to_string(advice->step)) + advice->explanation : std::string();
  if (key == shown_advice_) return false;
  shown_advice_ = key;
  GetSizer()->Show(advice_, advice.has_value());
  advice_step_ = advice ? std::optional(advice->step) : std::nullopt;
  if (!advice) return true;
  const bool with_wsl = context_.host.wsl_options().has_value();
  switch (advice->step) {
    case tray::OnboardingStep::install_nixos:
      advice_action_->SetLabel(_("Install NixOS…"));
      break;
    case tray::OnboardingStep::add_agent:
      advice_action_->SetLabel(_("Rebuild now…"));
      break;
    case tray::OnboardingStep::update_agent:
      break;
  }
  advice_action_->Show(with_wsl && advice->step != tray::OnboardingStep::update_agent);
  advice_title_->SetLabel(to_wx(advice->title));
  advice_text_->SetLabel(to_wx(advice->explanation));
  advice_text_->Wrap(GetClientSize().GetWidth() > FromDIP(200) ? GetClientSize().GetWidth() - FromDIP(40)
                                                               : FromDIP(560));
  advice_snippet_->SetValue(to_wx(advice->snippet));
  context_.log.write("advice", {{"step", std::string(tray::to_string(advice->step))}, {"title", advice->title}});
  return true;
}

void OverviewPage::run_advice_action() {
  if (!advice_step_) return;
  wxDialog* dialog = nullptr;
  if (*advice_step_ == tray::OnboardingStep::install_nixos) {
    dialog = new InstallNixosDialog(wxGetTopLevelParent(this), context_, settings_);
  } else if (*advice_step_ == tray::OnboardingStep::add_agent) {
    dialog = new AgentRebuildDialog(wxGetTopLevelParent(this), context_, settings_);
  }
  if (dialog) dialog->Show();
}

void OverviewPage::fill_facts(const SessionSnapshot& snapshot) {
  const auto& state = snapshot.state;
  auto set = [this](Fact fact, const wxString& text) { facts_[fact].second->SetLabel(text); };
  set(distro,
      to_wx(snapshot.menu.distro_name) + (snapshot.menu.has_lifecycle ? wxString() : _(" (local: no start or stop)")));
  if (state.hello) {
    set(agent, wxString::Format(_("nixtray-agent %s at %s%s"), to_wx(state.hello->agent), to_wx(state.endpoint),
                                state.hello->authorized ? wxString() : _(" (read-only)")));
  } else if (state.last_failure) {
    set(agent,
        core_text(tray::unreachable_headline(state.last_failure->reason)) + "\n" + to_wx(state.last_failure->message));
  } else {
    set(agent, _("not connected yet"));
  }
  if (state.status) {
    const auto& status = *state.status;
    wxString systemd_text = system_state_text(status.system_state);
    if (status.systemd_jobs > 0) systemd_text += wxString::Format(_(", %d jobs queued"), status.systemd_jobs);
    set(systemd, systemd_text);
    set(nixos, status.nixos_version ? to_wx(*status.nixos_version) : wxString::FromUTF8("\xE2\x80\x94"));
    const auto known_good =
        status.generations.known_good ? status.generations.known_good : snapshot.menu.host_known_good;
    set(generations, wxString::Format(_("boots next %s · current %s · booted %s · known good %s"),
                                      format_generation(status.generations.default_generation),
                                      format_generation(status.generations.current),
                                      format_generation(status.generations.booted), format_generation(known_good)));
    wxString pending_text;
    if (status.restart_pending) {
      pending_text += _("restart: the running system is not the one the distro booted");
    }
    if (status.boot_pending) {
      if (!pending_text.empty()) pending_text += "\n";
      pending_text += _("boot: the next start boots another generation than the current one");
    }
    set(pending, pending_text.empty() ? _("nothing") : pending_text);
  } else {
    for (const auto fact : {systemd, nixos, generations, pending}) set(fact, wxString::FromUTF8("\xE2\x80\x94"));
  }
  if (const auto running = tray::running_job(state)) {
    set(job, wxString::Format(_("%s, job %s: %s"), core_text(tray::job_noun(*running)), to_wx(running->job_id),
                              to_wx(running->text)));
  } else if (const auto failure = tray::job_failure(state)) {
    set(job, wxString::Format(_("none; the last %s (job %s) failed: %s"), core_text(tray::job_kind_noun(failure->kind)),
                              to_wx(failure->job_id), to_wx(failure->summary)));
  } else {
    set(job, _("none"));
  }
}

void OverviewPage::fill_units(const SessionSnapshot& snapshot) {
  std::vector<std::string> names;
  const std::vector<protocol::Unit> none;
  const auto& units = snapshot.state.status ? snapshot.state.status->failed_units : none;
  names.reserve(units.size());
  for (const auto& unit : units) names.push_back(unit.name);
  units_empty_->Show(units.empty());
  units_->Show(!units.empty());
  journal_->Show(!units.empty());
  journal_title_->Show(!units.empty());
  if (names == unit_names_) {
    return;
  }
  unit_names_ = names;
  units_->DeleteAllItems();
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto row = units_->InsertItem(static_cast<long>(i), to_wx(units[i].name));
    units_->SetItem(row, 1, to_wx(units[i].result.empty() ? units[i].sub_state : units[i].result));
    units_->SetItem(row, 2, units[i].since ? format_time(*units[i].since) : wxString());
  }
  if (units.empty()) {
    selected_unit_.clear();
    journal_->Clear();
    return;
  }
  const auto it = std::find(names.begin(), names.end(), selected_unit_);
  const auto index = it == names.end() ? 0 : static_cast<long>(it - names.begin());
  const bool changed = it == names.end();
  selected_unit_ = names[static_cast<std::size_t>(index)];
  units_->SetItemState(index, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                       wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
  if (changed) fetch_unit_log(selected_unit_);
}

void OverviewPage::show_unit(const std::string& unit) {
  selected_unit_ = unit;
  const auto it = std::find(unit_names_.begin(), unit_names_.end(), unit);
  if (it != unit_names_.end()) {
    units_->SetItemState(static_cast<long>(it - unit_names_.begin()), wxLIST_STATE_SELECTED, wxLIST_STATE_SELECTED);
  }
  fetch_unit_log(unit);
}

void OverviewPage::fetch_unit_log(const std::string& unit) {
  journal_title_->SetLabel(wxString::Format(_("The last journal lines of %s:"), to_wx(unit)));
  journal_->SetValue(wxString::Format(_("Reading the journal of %s…"), to_wx(unit)));
  context_.host.unit_log(unit, 30,
                         on_window<OverviewPage, tray::ActionResult<protocol::UnitsLogResult>>(
                             this, [unit](OverviewPage& page, tray::ActionResult<protocol::UnitsLogResult> result) {
                               if (page.selected_unit_ != unit) return;  // another unit was chosen meanwhile
                               if (!result) {
                                 page.journal_->SetValue(wxString::Format(_("The journal of %s cannot be read: %s"),
                                                                          to_wx(unit), to_wx(result.error().message)));
                                 return;
                               }
                               wxString text;
                               for (const auto& line : result->lines) {
                                 text += format_time(line.time) + "  " + to_wx(line.message) + "\n";
                               }
                               if (text.empty())
                                 text = wxString::Format(_("The journal has no lines for %s."), to_wx(unit));
                               page.journal_->SetValue(text);
                               page.journal_->ShowPosition(page.journal_->GetLastPosition());
                             }));
}

}  // namespace nixtray::gui
