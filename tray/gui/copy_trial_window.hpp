// The "Try the rebuild on a copy" window (issue 21): the trial's steps as they run (export, import,
// the copy's rebuild and boot check step by step, remove), then what it showed, and when the copy
// passed, the button that applies the same rebuild to the distro itself (rebuild and verify). It
// starts the trial itself (SessionHost::try_on_copy) and draws core's reports, nothing else.
#pragma once

#include "core/targets/copy_trial.hpp"

#include "step_list.hpp"

#include <wx/frame.h>

#include <string>
#include <vector>

class wxButton;
class wxListCtrl;
class wxStaticText;

namespace nixtray::gui {

struct StatusContext;

class CopyTrialWindow : public wxFrame {
 public:
  CopyTrialWindow(StatusContext& context, std::string distro);

  // Starts the trial; the window shows it until it is closed.
  void start();

 private:
  struct Row {
    std::string step;  // "export", ...; a check step: "rebuild and verify/<its name>"
    tray::StepStatus status = tray::StepStatus::running;
    tray::Sentence detail;
  };
  void show_step(const std::string& step, tray::StepStatus status, const tray::Sentence& detail);
  void finish(const tray::CopyTrialReport& report);
  void fill_rows();
  void log_state(bool finished, bool passed);

  StatusContext& context_;
  std::string distro_;
  StepList parts_;  // headline, outcome, steps
  wxButton* apply_ = nullptr;
  std::vector<Row> rows_;
};

}  // namespace nixtray::gui
