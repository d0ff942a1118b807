// Settings: the distro, how to reach its agent, the flake, rebuild review and verify-after-
// rebuild, which notifications to show, start at login. Saved through core's TraySettings
// (the session saves the file, so what the host remembers per distro is never lost).
#pragma once

#include "status_context.hpp"

#include <wx/scrolwin.h>

class wxCheckBox;
class wxSpinCtrl;
class wxChoice;
class wxStaticText;
class wxTextCtrl;

namespace nixtray::gui {

class SettingsPage : public wxScrolledWindow {
 public:
  SettingsPage(wxWindow* parent, StatusContext& context);

  // Shows the settings unless the person is editing them.
  void update(const SessionSnapshot& snapshot);

 private:
  void load(const tray::TraySettings& settings);
  [[nodiscard]] tray::TraySettings edited() const;
  void transport_changed();
  void save();

  StatusContext& context_;
  tray::TraySettings shown_;
  bool editing_ = false;
  wxTextCtrl* distro_ = nullptr;
  wxChoice* transport_ = nullptr;
  wxTextCtrl* address_ = nullptr;
  wxTextCtrl* token_file_ = nullptr;
  wxTextCtrl* flake_ = nullptr;
  wxCheckBox* review_ = nullptr;
  wxCheckBox* auto_verify_ = nullptr;
  wxCheckBox* notify_job_ = nullptr;
  wxCheckBox* notify_verify_ = nullptr;
  wxCheckBox* notify_unit_ = nullptr;
  wxCheckBox* notify_stopped_ = nullptr;
  wxCheckBox* notify_unverified_ = nullptr;
  wxCheckBox* notify_job_done_ = nullptr;
  wxCheckBox* notify_verify_passed_ = nullptr;
  wxCheckBox* notify_updates_ = nullptr;
  wxCheckBox* notify_low_space_ = nullptr;
  wxSpinCtrl* low_space_gib_ = nullptr;
  wxCheckBox* start_at_login_ = nullptr;
  wxCheckBox* start_distro_at_login_ = nullptr;
  wxStaticText* result_ = nullptr;
};

}  // namespace nixtray::gui
