// The language the operating system's user interface speaks, for a program whose environment
// names none: Windows sets no LANG, so nixtrayctl would speak English to a Japanese Windows.
#pragma once

#include <optional>
#include <string>

namespace nixtray::tray {

// "ja_JP" (gettext's spelling) on Windows, from the user's UI language; nullopt on POSIX, where
// the environment (LANG and the rest) is the whole answer, and when Windows does not say.
std::optional<std::string> system_ui_language();

}  // namespace nixtray::tray
