// The live log: a virtual list (wxLC_VIRTUAL) that asks for the lines it draws, so its cost does
// not grow with the log. Lines arrive in batches; the list learns the new count at most every
// 100 ms and keeps following the end while the person has not scrolled away from it.
#pragma once

#include "job_log_lines.hpp"

#include <wx/listctrl.h>
#include <wx/timer.h>

namespace nixtray::gui {

class JobLogView : public wxListCtrl {
 public:
  JobLogView(wxWindow* parent, const JobLogLines& lines);

  // The lines changed (appended or reset): shown at the next refresh tick.
  void lines_changed() { dirty_ = true; }
  void refresh_now();

 protected:
  wxString OnGetItemText(long item, long column) const override;

 private:
  [[nodiscard]] bool at_end() const;

  const JobLogLines& lines_;
  wxTimer timer_;
  bool dirty_ = false;
};

}  // namespace nixtray::gui
