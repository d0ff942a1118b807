// A sentence above the tabs that the person must read first (why there is no tray icon), wrapped
// to the window's width. (wxInfoBar's native GTK bar does not wrap long text; it cuts it.)
#pragma once

#include <wx/panel.h>

class wxStaticText;

namespace nixtray::gui {

class NoticeBar : public wxPanel {
 public:
  explicit NoticeBar(wxWindow* parent);
  void show_message(const wxString& message);

 private:
  void rewrap();

  wxWindow* icon_ = nullptr;
  wxWindow* close_ = nullptr;
  wxStaticText* text_ = nullptr;
  wxString message_;
  int wrapped_width_ = 0;
};

}  // namespace nixtray::gui
