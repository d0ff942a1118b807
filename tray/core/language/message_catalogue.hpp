// The person's language for core's sentences without wx: a reader of the GNU gettext .mo
// catalogues the GUI loads through wxTranslations (po/ builds them), so that nixtrayctl says what
// the tray says, in the same words. It picks the catalogue as gettext would (LANGUAGE, LC_ALL,
// LC_MESSAGES, LANG) and translates a Sentence exactly as the GUI's sentence_text
// (gui/wx_text.hpp) does. A text the catalogue lacks stays English, never wrong; a catalogue that
// cannot be read leaves everything English rather than stopping the command.
#pragma once

#include "core/language/plural_formula.hpp"
#include "core/state/sentence.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

class MessageCatalogue {
 public:
  MessageCatalogue() = default;  // no catalogue: every text stays English

  // Reads a GNU .mo file (either byte order). Throws std::runtime_error whose message names the
  // file and what is wrong ("...: not a gettext catalogue (bad magic number)", "...: truncated").
  static MessageCatalogue read(const std::filesystem::path& mo_file);

  // The catalogue of the first of `languages` that has <locale_dir>/<lang>/LC_MESSAGES/<domain>.mo;
  // each entry like "ja_JP.UTF-8@euro" is tried as "ja_JP" and then "ja" (gettext's order, the
  // codeset and modifier dropped). An entry "C", "POSIX", "en" or "en_..." ends the search with
  // English. None found: English. A file that cannot be read is skipped, never thrown.
  static MessageCatalogue for_languages(const std::filesystem::path& locale_dir,
                                        const std::vector<std::string>& languages, std::string_view domain = "nixtray");

  // The language folder the catalogue came from ("ja"), empty for English.
  [[nodiscard]] const std::string& language() const;

  // msgid's translation; msgid itself when the catalogue does not have it (or it is empty).
  [[nodiscard]] std::string translate(std::string_view msgid) const;

  // ngettext: the catalogue's form for n (its Plural-Forms formula), else English's rule
  // (singular when n == 1).
  [[nodiscard]] std::string translate(std::string_view singular, std::string_view plural, unsigned long n) const;

  // A core Sentence in this language, as gui/wx_text.hpp's sentence_text says it: the format
  // translated (by `count` when plural), the `translated` arguments too, nested sentences said
  // recursively into their arguments, then Sentence::fill. An empty sentence gives "".
  [[nodiscard]] std::string say(const Sentence& sentence) const;

 private:
  // Which of an entry's `forms` translations the count n takes.
  [[nodiscard]] std::size_t form_for(unsigned long n, std::size_t forms) const;

  std::string language_;
  // Keyed by the msgid (a plural entry's singular); the translation's forms in order.
  std::map<std::string, std::vector<std::string>, std::less<>> messages_;
  std::optional<PluralForms> plural_forms_;
};

// The languages gettext would try for messages, from the environment as gettext reads it: the
// locale is the first set and non-empty of LC_ALL, LC_MESSAGES, LANG; when that is empty, "C" or
// "POSIX" the answer is {} (English, LANGUAGE ignored, as gettext does); else LANGUAGE's
// colon-separated entries when LANGUAGE is set and non-empty, else {locale}. `variable` returns a
// variable's value, empty when unset (tray::environment_variable in production).
std::vector<std::string> message_languages(const std::function<std::string(const char*)>& variable);

}  // namespace nixtray::tray
