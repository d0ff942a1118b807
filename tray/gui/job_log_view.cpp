#include "job_log_view.hpp"

#include "wx_text.hpp"

namespace nixtray::gui {

JobLogView::JobLogView(wxWindow* parent, const JobLogLines& lines)
    : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                 wxLC_REPORT | wxLC_VIRTUAL | wxLC_NO_HEADER | wxLC_SINGLE_SEL),
      lines_(lines),
      timer_(this) {
  SetFont(wxFont(wxFontInfo().Family(wxFONTFAMILY_TELETYPE)));
  // Wide enough for build lines; the list scrolls sideways for longer ones.
  AppendColumn(wxEmptyString, wxLIST_FORMAT_LEFT, FromDIP(2400));
  Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
    if (dirty_) refresh_now();
  });
  timer_.Start(100);
}

void JobLogView::refresh_now() {
  dirty_ = false;
  const bool follow = at_end();
  const auto count = static_cast<long>(lines_.size());
  if (count != GetItemCount()) {
    SetItemCount(count);
  }
  if (follow && count > 0) {
    EnsureVisible(count - 1);
  }
  Refresh();
}

bool JobLogView::at_end() const {
  const long count = GetItemCount();
  if (count == 0) return true;
  const long top = GetTopItem();
  const long per_page = GetCountPerPage();
  return top + per_page >= count - 1;
}

wxString JobLogView::OnGetItemText(long item, long /*column*/) const {
  return to_wx(lines_.line(static_cast<std::size_t>(item)));
}

}  // namespace nixtray::gui
