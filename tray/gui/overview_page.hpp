// Overview: the state as the tray sees it, the generations triple with pending restart/boot,
// and the failed units with the last lines of their journal (units.log).
#pragma once

#include "status_context.hpp"

#include "core/onboarding/onboarding_advice.hpp"

#include <optional>

#include <wx/panel.h>

class wxButton;
class wxChoice;
class wxListCtrl;
class wxListEvent;
class wxSizer;
class wxStaticBitmap;
class wxStaticText;
class wxTextCtrl;

namespace nixtray::gui {

class OverviewPage : public wxPanel {
 public:
  OverviewPage(wxWindow* parent, StatusContext& context);

  void update(const SessionSnapshot& snapshot);
  // Selects the unit and shows its journal.
  void show_unit(const std::string& unit);

 private:
  void fill_targets(const SessionSnapshot& snapshot);
  void fill_facts(const SessionSnapshot& snapshot);
  void fill_units(const SessionSnapshot& snapshot);
  // Returns whether the advice changed.
  bool fill_advice(const SessionSnapshot& snapshot);
  void fill_verify_evidence(const SessionSnapshot& snapshot);
  void run_advice_action();
  void log_advice_action();
  void fetch_unit_log(const std::string& unit);

  StatusContext& context_;
  // With several targets: which one the page (and the menu) is for.
  wxSizer* target_row_ = nullptr;
  wxChoice* targets_ = nullptr;
  std::vector<std::string> target_names_;
  wxStaticBitmap* icon_ = nullptr;
  wxStaticText* headline_ = nullptr;
  wxStaticText* detail_ = nullptr;
  wxTextCtrl* verify_evidence_ = nullptr;  // shown after a failed boot check
  std::string shown_evidence_;
  // What to do next (tray/core onboarding_advice): shown only when the tray needs the person.
  wxSizer* advice_ = nullptr;
  wxStaticText* advice_title_ = nullptr;
  wxStaticText* advice_text_ = nullptr;
  wxTextCtrl* advice_snippet_ = nullptr;
  // Install NixOS… / Rebuild now…: only with wsl.exe, which can do them.
  wxButton* advice_action_ = nullptr;
  std::optional<tray::OnboardingStep> advice_step_;
  tray::TraySettings settings_;  // the newest snapshot's, for the dialogs
  std::string shown_advice_;
  protocol::json logged_advice_action_;
  std::vector<std::pair<wxStaticText*, wxStaticText*>> facts_;
  wxListCtrl* units_ = nullptr;
  wxStaticText* units_empty_ = nullptr;
  wxStaticText* journal_title_ = nullptr;
  wxTextCtrl* journal_ = nullptr;
  std::vector<std::string> unit_names_;
  std::string selected_unit_;
  std::string icon_key_;
};

}  // namespace nixtray::gui
