// nixtray-bench-bare-tray: the smallest wxTaskBarIcon app (an icon drawn in memory, a tooltip, a
// one-item menu), the baseline nixtray-bench-tray measures nixtray against. Not installed.
#include <wx/app.h>
#include <wx/bitmap.h>
#include <wx/dcmemory.h>
#include <wx/menu.h>
#include <wx/taskbar.h>

namespace {

class BareIcon : public wxTaskBarIcon {
 protected:
  wxMenu* CreatePopupMenu() override {
    auto* menu = new wxMenu;
    menu->Append(wxID_EXIT, "Quit");
    menu->Bind(wxEVT_MENU, [this](wxCommandEvent&) { wxTheApp->ExitMainLoop(); });
    return menu;
  }
};

class BareApp : public wxApp {
 public:
  bool OnInit() override {
    wxBitmap picture(22, 22);
    {
      wxMemoryDC dc(picture);
      dc.SetBackground(*wxGREEN_BRUSH);
      dc.Clear();
    }
    icon_ = new BareIcon;
    icon_->SetIcon(wxBitmapBundle(picture), "bare");
    return true;
  }
  int OnExit() override {
    icon_->RemoveIcon();
    icon_->Destroy();
    return wxApp::OnExit();
  }

 private:
  BareIcon* icon_ = nullptr;
};

}  // namespace

wxIMPLEMENT_APP(BareApp);
