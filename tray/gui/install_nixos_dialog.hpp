// "Install NixOS": the NixOS-WSL image (the newest one in Downloads, if any), the distro's name
// (the configured one) and its folder, then core's installer step by step. Modeless: the tray
// keeps running while wsl.exe unpacks. On success the tray uses the new distro.
#pragma once

#include "status_context.hpp"

#include <wx/dialog.h>

class wxButton;
class wxTextCtrl;

namespace nixtray::gui {

class InstallNixosDialog : public wxDialog {
 public:
  InstallNixosDialog(wxWindow* parent, StatusContext& context, tray::TraySettings settings);

 private:
  void install();
  void show_step(const tray::InstallStep& step);
  void finish(const tray::NixosInstallReport& report);

  StatusContext& context_;
  tray::TraySettings settings_;
  wxTextCtrl* image_ = nullptr;
  wxTextCtrl* name_ = nullptr;
  wxTextCtrl* folder_ = nullptr;
  bool folder_edited_ = false;
  wxTextCtrl* steps_ = nullptr;
  wxButton* install_ = nullptr;
  wxButton* close_ = nullptr;
  std::vector<tray::InstallStep> shown_steps_;
};

}  // namespace nixtray::gui
