// Before a rollback from the tray (menu or Generations tab): what it changes — both generations
// with their dates in local time, and the packages that differ (core's RollbackPreview) — then
// Roll back or Cancel.
#pragma once

#include "core/state/rollback_preview.hpp"

// No wx header here: on Windows, wx's headers must come after <windows.h> (which the session's
// headers bring in), and this header is included before them.
class wxWindow;

namespace nixtray::gui {

class UiLog;

// True when the person chose Roll back.
bool ask_rollback(wxWindow* parent, const tray::RollbackPreview& preview, UiLog& log);

}  // namespace nixtray::gui
