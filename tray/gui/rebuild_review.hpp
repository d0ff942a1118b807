// The question before a reviewed rebuild is activated: RebuildFlow's question, and under it what
// the build changes (the counts, the closure sizes, the first package changes; the Generations tab
// has the whole diff later) and the flow's note. Activate or not.
#pragma once

#include "core/state/rebuild_flow.hpp"

#include <wx/window.h>

namespace nixtray::gui {

// Modal; true when the person chose Activate.
bool ask_rebuild_review(wxWindow* parent, const tray::RebuildFlow& flow);

}  // namespace nixtray::gui
