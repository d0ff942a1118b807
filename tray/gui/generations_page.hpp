// Generations: the system profile's generations with their marks (boots next, current, booted,
// known good, unusable); the package differences between two selected ones (generations.diff);
// roll back to one (asks first); mark one known good.
#pragma once

#include "status_context.hpp"

#include <wx/panel.h>

class wxButton;
class wxListCtrl;
class wxStaticText;

namespace nixtray::gui {

class GenerationsPage : public wxPanel {
 public:
  GenerationsPage(wxWindow* parent, StatusContext& context);

  void update(const SessionSnapshot& snapshot);

 private:
  [[nodiscard]] std::vector<int> selected() const;
  void selection_changed();
  void show_diff();
  void roll_back();
  void mark_good();

  StatusContext& context_;
  wxListCtrl* list_ = nullptr;
  wxButton* diff_button_ = nullptr;
  wxButton* rollback_button_ = nullptr;
  wxButton* good_button_ = nullptr;
  wxStaticText* note_ = nullptr;
  wxStaticText* diff_title_ = nullptr;
  wxListCtrl* diff_ = nullptr;
  std::vector<protocol::Generation> generations_;
  std::optional<SessionSnapshot> snapshot_;
  std::string shown_key_;
  bool diff_shown_ = false;
};

}  // namespace nixtray::gui
