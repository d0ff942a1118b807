// Text between core (UTF-8 std::string) and wx (wxString), and the translation of the English
// text core produces. Core builds its sentences itself and has no gettext; the GUI translates the
// fixed ones it shows (menu labels, headlines) by looking the exact English text up in the
// "nixtray" catalog, so a sentence the catalog does not know stays English rather than wrong.
#pragma once

#include "core/state/sentence.hpp"
#include "core/state/tray_state.hpp"
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

// Core's sentence: its format translated (in the plural form its count asks for), then its
// arguments put in: names and numbers as they are, core's own fixed phrases translated too.
inline wxString sentence_text(const tray::Sentence& sentence) {
  if (sentence.empty()) return {};
  const auto format = sentence.plural.empty()
                          ? core_text(sentence.format)
                          : wxGetTranslation(to_wx(sentence.format), to_wx(sentence.plural), sentence.count);
  auto args = sentence.args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (sentence.is_translated(i)) args[i] = from_wx(core_text(args[i]));
  }
  for (std::size_t k = 0; k < sentence.nested.size() && k < sentence.nested_at.size(); ++k) {
    if (sentence.nested_at[k] < args.size()) args[sentence.nested_at[k]] = from_wx(sentence_text(sentence.nested[k]));
  }
  return to_wx(tray::Sentence::fill(from_wx(format), args));
}

// Core's sentences in the catalogue's language, for core's functions that compose them.
inline tray::SentenceWords translated_words() {
  return [](const tray::Sentence& s) { return from_wx(sentence_text(s)); };
}

// The tooltip and the status line of core's presentation, in the catalogue's language.
inline wxString tooltip_text(const tray::TrayPresentation& view) {
  return to_wx(tray::tooltip_line(view, translated_words()));
}
inline wxString detail_text(const tray::TrayPresentation& view) {
  return to_wx(tray::detail_line(view, translated_words()));
}

}  // namespace nixtray::gui
