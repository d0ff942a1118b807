// The languages the tray's programs speak to this person, in order of preference, for nixtrayctl
// (nixtray's wx reads the same environment itself).
#pragma once

#include <string>
#include <vector>

namespace nixtray::tray {

// The environment's, as gettext reads it (message_languages); when the environment names no
// locale at all, the system's user interface language (Windows sets no LANG); else none: English.
std::vector<std::string> user_languages();

}  // namespace nixtray::tray
