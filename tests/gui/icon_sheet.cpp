// The tray's pictures on one contact sheet, and the check that their shapes tell the states apart
// without colour (issue 19: colour-blind users, light and dark taskbars).
//   gui_icon_sheet OUT.png   (under Xvfb: wxGTK needs a display to draw)
// The sheet: every IconId, the busy icon with its progress ring and the running and degraded icons
// with the unverified badge, at 16, 24 and 32 px and 16 px magnified, on a light and a dark
// taskbar colour. The check: at 16 px, each picture's glyph mask (pixels far in lightness from the
// picture's own disc colour, so colour itself never counts) differs from every other's in at
// least min_differing_pixels pixels. Exits 1, naming the pairs, when two are too alike.
#include "tray_icon_art.hpp"

#include <wx/app.h>
#include <wx/brush.h>
#include <wx/dcmemory.h>
#include <wx/font.h>
#include <wx/image.h>
#include <wx/pen.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

using nixtray::gui::TrayIconArt;
using nixtray::tray::IconId;

constexpr int min_differing_pixels = 8;  // of 256 at 16 px: a glyph stroke, not anti-aliasing

struct Picture {
  std::string name;
  IconId icon;
  std::optional<int> percent;
  bool badge = false;
};

const std::vector<Picture>& pictures() {
  static const std::vector<Picture> all = {
      {"stopped", IconId::stopped, {}, false},
      {"transition", IconId::transition, {}, false},
      {"running", IconId::running, {}, false},
      {"degraded", IconId::degraded, {}, false},
      {"busy", IconId::busy, {}, false},
      {"busy 40%", IconId::busy, 40, false},
      {"verifying", IconId::verifying, {}, false},
      {"failed", IconId::failed, {}, false},
      {"unreachable", IconId::unreachable, {}, false},
      {"running, unverified", IconId::running, {}, true},
      {"degraded, unverified", IconId::degraded, {}, true},
  };
  return all;
}

wxBitmap draw(const TrayIconArt& art, const Picture& picture, int size) {
  const auto bitmap = art.bitmap(picture.icon, size, picture.percent);
  return picture.badge ? nixtray::gui::with_unverified_badge(bitmap) : bitmap;
}

// Lightness of a pixel composited over mid grey (so transparency counts as neither glyph nor disc).
double lightness(const wxImage& image, int x, int y) {
  const double alpha = image.HasAlpha() ? image.GetAlpha(x, y) / 255.0 : 1.0;
  const double own = 0.2126 * image.GetRed(x, y) + 0.7152 * image.GetGreen(x, y) + 0.0722 * image.GetBlue(x, y);
  return alpha * own + (1.0 - alpha) * 128.0;
}

// The pixels whose lightness is far from the disc's (the lightness just inside the rim, left of
// centre, where no glyph of the set reaches): the glyph, the rim, a ring, a badge.
std::vector<bool> shape_mask(const wxImage& image) {
  const int size = image.GetWidth();
  const double disc = lightness(image, size * 5 / 32, size / 2);
  std::vector<bool> mask(static_cast<std::size_t>(size * size));
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const auto at = static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x);
      mask[at] = std::abs(lightness(image, x, y) - disc) > 60.0;
    }
  }
  return mask;
}

int check_shapes(const TrayIconArt& art) {
  std::vector<std::vector<bool>> masks;
  for (const auto& picture : pictures()) masks.push_back(shape_mask(draw(art, picture, 16).ConvertToImage()));
  int too_alike = 0;
  for (std::size_t a = 0; a < masks.size(); ++a) {
    for (std::size_t b = a + 1; b < masks.size(); ++b) {
      int differing = 0;
      for (std::size_t i = 0; i < masks[a].size(); ++i) differing += masks[a][i] != masks[b][i] ? 1 : 0;
      std::printf("%-22s %-22s %3d pixels differ in shape\n", pictures()[a].name.c_str(), pictures()[b].name.c_str(),
                  differing);
      if (differing < min_differing_pixels) {
        std::fprintf(stderr, "too alike without colour at 16 px: %s and %s (%d pixels differ, want %d)\n",
                     pictures()[a].name.c_str(), pictures()[b].name.c_str(), differing, min_differing_pixels);
        ++too_alike;
      }
    }
  }
  return too_alike;
}

bool write_sheet(const TrayIconArt& art, const std::string& out) {
  constexpr int cell = 104;  // room for the longest name in a 7 pt font
  constexpr int label_height = 28;
  const int columns = static_cast<int>(pictures().size());
  const wxColour taskbars[] = {wxColour(0xF3, 0xF3, 0xF3), wxColour(0x20, 0x20, 0x20)};
  const int rows_per_taskbar = 4;  // 16, 24, 32 px and 16 px shown four times as large
  wxBitmap sheet(columns * cell, label_height + 2 * rows_per_taskbar * cell);
  {
    wxMemoryDC dc(sheet);
    dc.SetBackground(*wxWHITE_BRUSH);
    dc.Clear();
    dc.SetFont(wxFont(wxFontInfo(7)));
    for (int column = 0; column < columns; ++column) {
      dc.DrawLabel(wxString::FromUTF8(pictures()[static_cast<std::size_t>(column)].name),
                   wxRect(column * cell, 0, cell, label_height), wxALIGN_CENTER);
    }
    for (int taskbar = 0; taskbar < 2; ++taskbar) {
      const int top = label_height + taskbar * rows_per_taskbar * cell;
      dc.SetBrush(wxBrush(taskbars[taskbar]));
      dc.SetPen(*wxTRANSPARENT_PEN);
      dc.DrawRectangle(0, top, columns * cell, rows_per_taskbar * cell);
      for (int column = 0; column < columns; ++column) {
        const auto& picture = pictures()[static_cast<std::size_t>(column)];
        const int sizes[] = {16, 24, 32};
        for (int row = 0; row < 3; ++row) {
          const int size = sizes[row];
          dc.DrawBitmap(draw(art, picture, size), column * cell + (cell - size) / 2,
                        top + row * cell + (cell - size) / 2, true);
        }
        const auto magnified = draw(art, picture, 16).ConvertToImage().Scale(64, 64, wxIMAGE_QUALITY_NEAREST);
        dc.DrawBitmap(wxBitmap(magnified), column * cell + (cell - 64) / 2, top + 3 * cell + (cell - 64) / 2, true);
      }
    }
    dc.SelectObject(wxNullBitmap);
  }
  return sheet.SaveFile(wxString::FromUTF8(out), wxBITMAP_TYPE_PNG);
}

}  // namespace

// Outside the unnamed namespace: wxIMPLEMENT_APP's wxGetApp() returns it with external linkage.
class IconSheetApp : public wxApp {
 public:
  bool OnInit() override {
    if (argc != 2) {
      std::fprintf(stderr, "usage: gui_icon_sheet OUT.png\n");
      exit_code_ = 64;
      return true;
    }
    const char* build = std::getenv("NIXTRAY_BUILD_DIR");
    const TrayIconArt art(std::filesystem::path(build ? build : ".") / "share" / "nixtray" / "icons");
    if (!art.problem().empty()) {
      std::fprintf(stderr, "%s\n", art.problem().c_str());
      exit_code_ = 1;
      return true;
    }
    const std::string out = argv[1].ToStdString();
    if (!write_sheet(art, out)) {
      std::fprintf(stderr, "cannot write %s\n", out.c_str());
      exit_code_ = 1;
      return true;
    }
    std::printf("contact sheet: %s\n", out.c_str());
    exit_code_ = check_shapes(art) == 0 ? 0 : 1;
    return true;
  }
  // No event loop: the work is done in OnInit.
  int OnRun() override { return exit_code_; }

 private:
  int exit_code_ = 1;
};

wxIMPLEMENT_APP(IconSheetApp);
