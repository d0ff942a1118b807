#include "notice_bar.hpp"

#include <wx/artprov.h>
#include <wx/button.h>
#include <wx/sizer.h>
#include <wx/statbmp.h>
#include <wx/stattext.h>

namespace nixtray::gui {

NoticeBar::NoticeBar(wxWindow* parent) : wxPanel(parent) {
  SetBackgroundColour(wxColour(0xFF, 0xF4, 0xCE));
  SetForegroundColour(wxColour(0x33, 0x2B, 0x00));
  auto* row = new wxBoxSizer(wxHORIZONTAL);
  icon_ = new wxStaticBitmap(this, wxID_ANY, wxArtProvider::GetBitmapBundle(wxART_WARNING, wxART_MESSAGE_BOX));
  row->Add(icon_, 0, wxALIGN_TOP | wxALL, FromDIP(8));
  text_ = new wxStaticText(this, wxID_ANY, wxEmptyString);
  row->Add(text_, 1, wxALIGN_CENTER_VERTICAL | wxTOP | wxBOTTOM, FromDIP(8));
  auto* close = new wxButton(this, wxID_CLOSE, _("Close"));
  close_ = close;
  row->Add(close, 0, wxALIGN_CENTER_VERTICAL | wxALL, FromDIP(8));
  SetSizer(row);
  close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
    Hide();
    GetParent()->Layout();
  });
  Bind(wxEVT_SIZE, [this](wxSizeEvent& event) {
    event.Skip();
    CallAfter([this] { rewrap(); });
  });
  Hide();
}

void NoticeBar::show_message(const wxString& message) {
  message_ = message;
  wrapped_width_ = 0;
  Show();
  rewrap();
}

void NoticeBar::rewrap() {
  // The room right of the icon and left of the Close button (with their margins), less a little
  // so the toolkit never wraps a second time on its own.
  const int width = GetParent()->GetClientSize().GetWidth() - icon_->GetSize().GetWidth() -
                    close_->GetSize().GetWidth() - FromDIP(8) * 4 - FromDIP(12);
  const int target = width > FromDIP(200) ? width : FromDIP(600);
  if (target == wrapped_width_) return;
  wrapped_width_ = target;
  text_->SetLabel(message_);
  text_->Wrap(target);
  text_->InvalidateBestSize();
  InvalidateBestSize();
  GetParent()->Layout();
}

}  // namespace nixtray::gui
