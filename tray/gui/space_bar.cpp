#include "space_bar.hpp"

#include "display_format.hpp"

#include <wx/dcbuffer.h>
#include <wx/settings.h>

#include <algorithm>

namespace nixtray::gui {

namespace {
constexpr int legend_columns = 2;
}

SpaceBar::SpaceBar(wxWindow* parent) : wxPanel(parent, wxID_ANY) {
  SetBackgroundStyle(wxBG_STYLE_PAINT);
  Bind(wxEVT_PAINT, [this](wxPaintEvent&) { paint(); });
  Bind(wxEVT_SIZE, [this](wxSizeEvent& event) {
    Refresh();
    event.Skip();
  });
}

int SpaceBar::legend_rows() const { return static_cast<int>((parts_.size() + legend_columns - 1) / legend_columns); }

void SpaceBar::set_parts(std::vector<Part> parts) {
  parts_ = std::move(parts);
  const int line = GetCharHeight() + FromDIP(6);
  SetMinSize(wxSize(FromDIP(400), FromDIP(30) + FromDIP(8) + legend_rows() * line));
  InvalidateBestSize();
  if (GetParent()) GetParent()->Layout();
  Refresh();
}

void SpaceBar::paint() {
  wxAutoBufferedPaintDC dc(this);
  dc.SetBackground(wxBrush(GetParent()->GetBackgroundColour()));
  dc.Clear();
  const auto size = GetClientSize();
  const int bar_height = FromDIP(30);
  std::int64_t total = 0;
  for (const auto& part : parts_) total += std::max<std::int64_t>(part.bytes, 0);
  const wxColour frame = wxSystemSettings::GetColour(wxSYS_COLOUR_3DSHADOW);
  if (total > 0) {
    // Each part at least 2 pixels when it is not empty, so a small garbage still shows.
    int x = 0;
    std::int64_t before = 0;
    for (const auto& part : parts_) {
      if (part.bytes <= 0) continue;
      before += part.bytes;
      const int end = static_cast<int>(static_cast<double>(before) / static_cast<double>(total) * size.x);
      const int width = std::max(end - x, FromDIP(2));
      dc.SetPen(*wxTRANSPARENT_PEN);
      dc.SetBrush(wxBrush(part.colour));
      dc.DrawRectangle(x, 0, std::min(width, size.x - x), bar_height);
      x = std::min(x + width, size.x);
    }
  }
  dc.SetPen(wxPen(frame));
  dc.SetBrush(*wxTRANSPARENT_BRUSH);
  dc.DrawRectangle(0, 0, size.x, bar_height);

  dc.SetFont(GetFont());
  dc.SetTextForeground(wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOWTEXT));
  const int line = GetCharHeight() + FromDIP(6);
  const int column = size.x / legend_columns;
  const int swatch = GetCharHeight() - FromDIP(2);
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    const auto& part = parts_[i];
    const int x = static_cast<int>(i % legend_columns) * column;
    const int y = bar_height + FromDIP(8) + static_cast<int>(i / legend_columns) * line;
    dc.SetPen(wxPen(frame));
    dc.SetBrush(wxBrush(part.colour));
    dc.DrawRectangle(x, y + FromDIP(1), swatch, swatch);
    dc.DrawText(part.label + ": " + format_size(part.bytes), x + swatch + FromDIP(6), y);
  }
}

}  // namespace nixtray::gui
