#include "core/system/system_language.hpp"

#include <windows.h>

namespace nixtray::tray {

std::optional<std::string> system_ui_language() {
  wchar_t name[LOCALE_NAME_MAX_LENGTH] = {};
  if (::LCIDToLocaleName(MAKELCID(::GetUserDefaultUILanguage(), SORT_DEFAULT), name, LOCALE_NAME_MAX_LENGTH, 0) <= 0) {
    return std::nullopt;
  }
  // "ja-JP" -> "ja_JP"; locale names are ASCII letters, digits and hyphens.
  std::string language;
  for (const wchar_t* c = name; *c; ++c) language += *c == L'-' ? '_' : static_cast<char>(*c);
  if (language.empty()) return std::nullopt;
  return language;
}

}  // namespace nixtray::tray
