// Before a rollback from the tray (menu or Generations tab): what it changes — both generations
// with their dates in local time, and the packages that differ (core's RollbackPreview) — then
// Roll back or Cancel.
#pragma once

#include "core/state/rollback_preview.hpp"

#include <wx/window.h>

namespace nixtray::gui {

class UiLog;

// True when the person chose Roll back.
bool ask_rollback(wxWindow* parent, const tray::RollbackPreview& preview, UiLog& log);

}  // namespace nixtray::gui
