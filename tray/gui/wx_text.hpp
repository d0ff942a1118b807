// Text between core (UTF-8 std::string) and wx (wxString), and the translation of the English
// text core produces. Core builds its sentences itself and has no gettext; the GUI translates the
// fixed ones it shows (menu labels, headlines) by looking the exact English text up in the
// "nixtray" catalog, so a sentence the catalog does not know stays English rather than wrong.
#pragma once

#include "core/state/sentence.hpp"
#include "core/system/path_text.hpp"

#include <wx/string.h>
#include <wx/translation.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace nixtray::gui {

inline wxString to_wx(std::string_view utf8) { return wxString::FromUTF8(utf8.data(), utf8.size()); }
inline std::string from_wx(const wxString& text) {
  const auto buffer = text.utf8_str();
  return std::string(buffer.data(), buffer.length());
}

// File names, through UTF-8 (core/system/path_text.hpp).
inline std::filesystem::path to_path(const wxString& text) { return tray::path_from_text(from_wx(text)); }
inline wxString path_to_wx(const std::filesystem::path& path) { return to_wx(tray::path_text(path)); }

// Core's English text, translated when the catalog has it.
inline wxString core_text(std::string_view utf8) { return wxGetTranslation(to_wx(utf8)); }

// Core's sentence: its format translated, then its arguments (names, numbers) put in.
inline wxString sentence_text(const tray::Sentence& sentence) {
  if (sentence.empty()) return {};
  return to_wx(tray::Sentence::fill(from_wx(core_text(sentence.format)), sentence.args));
}

}  // namespace nixtray::gui
