// A bar of what uses a disk, in parts (each a colour and a share of the whole), with its legend
// under it: a swatch, the part's name and its size. Drawn by hand so the parts keep their colours
// on every platform and theme.
#pragma once

#include <wx/colour.h>
#include <wx/panel.h>

#include <cstdint>
#include <vector>

namespace nixtray::gui {

class SpaceBar : public wxPanel {
 public:
  struct Part {
    wxString label;
    std::int64_t bytes = 0;
    wxColour colour;
  };

  explicit SpaceBar(wxWindow* parent);
  void set_parts(std::vector<Part> parts);

 private:
  void paint();
  [[nodiscard]] int legend_rows() const;

  std::vector<Part> parts_;
};

}  // namespace nixtray::gui
