// The tray's pictures: one PNG per core IconId and size, rendered from resources/icons/*.svg at
// build time, and the progress ring drawn over the "busy" icon at run time.
#pragma once

#include "core/state/tray_state.hpp"

#include <wx/bitmap.h>
#include <wx/bmpbndl.h>
#include <wx/iconbndl.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace nixtray::gui {

class TrayIconArt {
 public:
  static constexpr int sizes[] = {16, 20, 22, 24, 32, 40, 48, 64};

  // `variant` "light": the pictures drawn for a light taskbar (<id>-light-<size>.png, Windows),
  // each falling back to the default one when missing.
  explicit TrayIconArt(std::filesystem::path directory, std::string variant = {});

  // Empty when every picture was found; else what is missing (the tray still runs).
  [[nodiscard]] const std::string& problem() const { return problem_; }

  // A picture at one of `sizes` (the nearest), with the progress ring when percent is set.
  [[nodiscard]] wxBitmap bitmap(tray::IconId icon, int size, std::optional<int> percent = std::nullopt) const;
  // All sizes, for windows (they pick by DPI).
  [[nodiscard]] wxBitmapBundle bundle(tray::IconId icon, std::optional<int> percent = std::nullopt) const;
  // A window's icon in the sizes title bars and task switchers use.
  [[nodiscard]] wxIconBundle window_icons(tray::IconId icon) const;
  // For the tray. wxGTK hands GtkStatusIcon the bundle's smallest picture and GTK only scales
  // down, so there the set starts at 22 px, the icon size of the usual 24 px panels.
  // `badge`: the mark of a generation that has not passed a boot check (TrayPresentation).
  [[nodiscard]] wxBitmapBundle tray_bundle(tray::IconId icon, std::optional<int> percent = std::nullopt,
                                           bool badge = false) const;

 private:
  // Decoded on first use (the GUI thread's only).
  [[nodiscard]] wxBitmap base(tray::IconId icon, int size) const;
  [[nodiscard]] std::filesystem::path picture_file(tray::IconId icon, int size, bool of_variant) const;

  std::filesystem::path directory_;
  std::string variant_;
  mutable std::map<std::pair<int, int>, wxBitmap> cache_;  // (icon, size)
  std::string problem_;
};

// Draws the ring (a dark track and a white arc from 12 o'clock, clockwise) over a square picture.
wxBitmap with_progress_ring(const wxBitmap& picture, int percent);
// Draws an amber dot with a dark rim in the top right corner: "unverified".
wxBitmap with_unverified_badge(const wxBitmap& picture);

}  // namespace nixtray::gui
