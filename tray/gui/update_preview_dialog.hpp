// After Update… has built the configuration with its flake inputs updated in a copy: the inputs
// that moved (old and new revision with their dates) and the packages that change (core's
// UpdatePreview), then Switch and verify or Discard. Nothing was written before the answer.
#pragma once

#include "core/state/update_preview.hpp"

// No wx header here: on Windows, wx's headers must come after <windows.h> (which the session's
// headers bring in), and this header is included before them.
class wxWindow;

namespace nixtray::gui {

class UiLog;

// Modal; true when the person chose Switch and verify.
bool ask_update(wxWindow* parent, const tray::UpdatePreview& preview, UiLog& log);

}  // namespace nixtray::gui
