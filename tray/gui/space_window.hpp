// The Space window: what fills the disk of the Nix store (a bar and its legend), what deleting
// each generation alone would free, what garbage collection keeping the newest N generations
// deletes and frees (and the button that starts it: the agent's gc job, which never deletes the
// default, current, booted or known-good generation), the other roots, and how to give the space
// back to Windows (vhd_compaction_advice: offered when the virtual disk on Windows is much larger
// than what the distro uses, core/state/virtual_disk_advice.hpp, or its size is not known).
// Everything else shown comes from the agent's space report in the session's state.
#pragma once

#include "session_host.hpp"
#include "status_context.hpp"

#include <wx/frame.h>

#include <optional>
#include <string>

class wxButton;
class wxListCtrl;
class wxSpinCtrl;
class wxStaticText;
class wxTextCtrl;

namespace nixtray::gui {

class SpaceBar;

class SpaceWindow : public wxFrame {
 public:
  explicit SpaceWindow(StatusContext& context);

  void update(const SessionSnapshot& snapshot);

 private:
  void show_report(const protocol::SpaceReport& report);
  void show_cleanup();
  void show_virtual_disk();
  void wrap_labels();
  void collect_garbage();
  void log_shown();

  StatusContext& context_;
  std::optional<SessionSnapshot> snapshot_;
  std::string distro_;
  wxStaticText* summary_ = nullptr;
  SpaceBar* bar_ = nullptr;
  wxListCtrl* generations_ = nullptr;
  wxSpinCtrl* keep_ = nullptr;
  wxStaticText* cleanup_ = nullptr;
  wxButton* collect_ = nullptr;
  wxStaticText* job_ = nullptr;
  wxListCtrl* roots_ = nullptr;
  wxStaticText* disk_ = nullptr;
  wxTextCtrl* advice_ = nullptr;
  wxButton* copy_ = nullptr;
  std::string disk_key_;  // what show_virtual_disk read the disk for
  std::string logged_;    // what log_shown wrote last
};

}  // namespace nixtray::gui
