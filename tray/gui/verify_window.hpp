// The Verify window: one boot verification as it runs (each step pending, running, passed,
// failed or skipped, with its detail) and, after a failure, the evidence in one place under a
// headline in words. It draws core's VerifyProgressView (tray/core/verify) and nothing else; the
// app opens it when a check starts (Verify boot, Rebuild, restart and verify, Verify now, or the
// check after a rebuild) and keeps one.
#pragma once

#include "core/verify/verify_progress_view.hpp"

#include "step_list.hpp"

#include <wx/frame.h>

#include <string>

class wxListCtrl;
class wxStaticText;
class wxTextCtrl;

namespace nixtray::gui {

struct StatusContext;

class VerifyWindow : public wxFrame {
 public:
  explicit VerifyWindow(StatusContext& context);

  void update(const tray::VerifyProgressView& view, const std::string& distro);

 private:
  void fill_steps(const tray::VerifyProgressView& view);
  void fill_evidence(const tray::VerifyProgressView& view);

  StatusContext& context_;
  StepList parts_;  // headline, outcome, steps
  wxStaticText* evidence_title_ = nullptr;
  wxTextCtrl* evidence_ = nullptr;
  std::string logged_;
};

}  // namespace nixtray::gui
