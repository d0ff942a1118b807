#include "tray_icon_art.hpp"

#include "wx_text.hpp"

#include <wx/brush.h>
#include <wx/graphics.h>
#include <wx/image.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace nixtray::gui {

namespace {
constexpr tray::IconId all_icons[] = {tray::IconId::stopped,  tray::IconId::transition, tray::IconId::running,
                                      tray::IconId::degraded, tray::IconId::busy,       tray::IconId::verifying,
                                      tray::IconId::failed,   tray::IconId::unreachable};

int nearest_size(int size) {
  int best = TrayIconArt::sizes[0];
  for (const int candidate : TrayIconArt::sizes) {
    if (std::abs(candidate - size) < std::abs(best - size)) best = candidate;
  }
  return best;
}
}  // namespace

TrayIconArt::TrayIconArt(std::filesystem::path directory, std::string variant)
    : directory_(std::move(directory)), variant_(std::move(variant)) {
  wxInitAllImageHandlers();
  // Only whether the pictures are there: decoding all 64 before the icon was shown cost the
  // start about 17 ms and the process 0.9 MiB under Wine (bench/tray_bench_wine.sh), for
  // pictures most runs never show. A picture is decoded when it is first shown.
  std::error_code error;
  for (const auto icon : all_icons) {
    for (const int size : sizes) {
      const auto file = picture_file(icon, size, false);
      if (directory_.empty() || !std::filesystem::is_regular_file(file, error)) {
        problem_ = "icon pictures are missing (first: " + file.string() + "); the tray shows a plain square instead";
        return;
      }
    }
  }
}

std::filesystem::path TrayIconArt::picture_file(tray::IconId icon, int size, bool of_variant) const {
  auto name = std::string(tray::to_string(icon));
  if (of_variant) name.append("-").append(variant_);
  return directory_ / name.append("-").append(std::to_string(size)).append(".png");
}

wxBitmap TrayIconArt::base(tray::IconId icon, int size) const {
  const std::pair key{static_cast<int>(icon), size};
  if (const auto it = cache_.find(key); it != cache_.end()) {
    return it->second;
  }
  wxImage image;
  // A missing file is checked first: wx would report it as an error of its own.
  const auto load = [&image](const std::filesystem::path& file) {
    std::error_code error;
    return std::filesystem::is_regular_file(file, error) && image.LoadFile(to_wx(file.string()), wxBITMAP_TYPE_PNG);
  };
  // The variant's picture when there is one, else the default one.
  const bool loaded = !directory_.empty() && ((!variant_.empty() && load(picture_file(icon, size, true))) ||
                                              load(picture_file(icon, size, false)));
  if (!loaded) {
    // A visible stand-in rather than nothing: the person still finds the tray entry.
    image.Create(size, size);
    image.SetRGB(wxRect(0, 0, size, size), 0x60, 0x60, 0x60);
  }
  return cache_.emplace(key, wxBitmap(image)).first->second;
}

wxIconBundle TrayIconArt::window_icons(tray::IconId icon) const {
  wxIconBundle icons;
  for (const int size : {16, 24, 32, 48, 64}) {
    wxIcon one;
    one.CopyFromBitmap(bitmap(icon, size));
    icons.AddIcon(one);
  }
  return icons;
}

wxBitmap TrayIconArt::bitmap(tray::IconId icon, int size, std::optional<int> percent) const {
  auto picture = base(icon, nearest_size(size));
  if (percent && icon == tray::IconId::busy) {
    picture = with_progress_ring(picture, std::clamp(*percent, 0, 100));
  }
  return picture;
}

wxBitmapBundle TrayIconArt::bundle(tray::IconId icon, std::optional<int> percent) const {
  wxVector<wxBitmap> pictures;
  for (const int size : sizes) {
    pictures.push_back(bitmap(icon, size, percent));
  }
  return wxBitmapBundle::FromBitmaps(pictures);
}

wxBitmapBundle TrayIconArt::tray_bundle(tray::IconId icon, std::optional<int> percent, bool badge) const {
#if defined(__WXGTK__)
  constexpr int smallest = 22;
#else
  constexpr int smallest = 16;
#endif
  wxVector<wxBitmap> pictures;
  for (const int size : sizes) {
    if (size < smallest) continue;
    const auto picture = bitmap(icon, size, percent);
    pictures.push_back(badge ? with_unverified_badge(picture) : picture);
  }
  return wxBitmapBundle::FromBitmaps(pictures);
}

wxBitmap with_progress_ring(const wxBitmap& picture, int percent) {
  wxImage image = picture.ConvertToImage();
  if (!image.HasAlpha()) image.InitAlpha();
  const double size = image.GetWidth();
  {
    std::unique_ptr<wxGraphicsContext> gc(wxGraphicsContext::Create(image));
    if (!gc) return picture;
    gc->SetAntialiasMode(wxANTIALIAS_DEFAULT);
    // Over the icon's rim (radius 14 of 32, 2 wide): the disc keeps its colour, the ring reads
    // at 16 px as a white arc on a dark track.
    const double width = std::max(2.0, size * 3.5 / 32.0);
    const double radius = size * 14.0 / 32.0;
    const double centre = size / 2.0;
    wxGraphicsPath track = gc->CreatePath();
    track.AddCircle(centre, centre, radius);
    gc->SetPen(gc->CreatePen(wxGraphicsPenInfo(wxColour(0, 0, 0, 150), width)));
    gc->StrokePath(track);
    if (percent > 0) {
      const double start = -std::numbers::pi / 2.0;
      const double end = start + 2.0 * std::numbers::pi * percent / 100.0;
      wxGraphicsPath arc = gc->CreatePath();
      arc.AddArc(centre, centre, radius, start, end, true);
      gc->SetPen(gc->CreatePen(wxGraphicsPenInfo(wxColour(255, 255, 255), width).Cap(wxCAP_BUTT)));
      gc->StrokePath(arc);
    }
  }
  return wxBitmap(image);
}

wxBitmap with_unverified_badge(const wxBitmap& picture) {
  wxImage image = picture.ConvertToImage();
  if (!image.HasAlpha()) image.InitAlpha();
  const double size = image.GetWidth();
  {
    std::unique_ptr<wxGraphicsContext> gc(wxGraphicsContext::Create(image));
    if (!gc) return picture;
    gc->SetAntialiasMode(wxANTIALIAS_DEFAULT);
    // A third of the icon, so it still reads at 16 px; the rim keeps it apart from any disc colour.
    const double radius = size / 6.0;
    const double rim = std::max(1.0, size / 32.0);
    const double centre_x = size - radius - rim;
    const double centre_y = radius + rim;
    wxGraphicsPath dot = gc->CreatePath();
    dot.AddCircle(centre_x, centre_y, radius);
    gc->SetBrush(gc->CreateBrush(wxBrush(wxColour(0xF5, 0xA6, 0x23))));
    gc->SetPen(gc->CreatePen(wxGraphicsPenInfo(wxColour(0x20, 0x20, 0x20), rim)));
    gc->DrawPath(dot);
  }
  return wxBitmap(image);
}

}  // namespace nixtray::gui
