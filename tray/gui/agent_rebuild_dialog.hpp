// "Add the agent" → Rebuild now: runs nixos-rebuild switch as root inside the distro (core's
// agent_install_rebuild.hpp: there is no agent yet, so no jobs engine), shows what it printed,
// and on success looks for the agent again. Modeless, like the install dialog.
#pragma once

#include "status_context.hpp"

#include <wx/dialog.h>

class wxButton;
class wxStaticText;
class wxTextCtrl;

namespace nixtray::gui {

class AgentRebuildDialog : public wxDialog {
 public:
  AgentRebuildDialog(wxWindow* parent, StatusContext& context, const tray::TraySettings& settings);

 private:
  void rebuild();
  void finish(const tray::ControlResult& result);

  StatusContext& context_;
  wxStaticText* status_ = nullptr;
  wxTextCtrl* output_ = nullptr;
  wxButton* rebuild_ = nullptr;
  wxButton* close_ = nullptr;
};

}  // namespace nixtray::gui
