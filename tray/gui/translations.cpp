#include "translations.hpp"

#include "wx_text.hpp"

#include <wx/intl.h>
#include <wx/translation.h>
#include <wx/uilocale.h>

namespace nixtray::gui {

TranslationSetup setup_translations(const std::filesystem::path& locale_dir) {
  TranslationSetup result;
  // Formats (dates, numbers) follow the system locale too; failing that (a locale the C library
  // has not generated), text is still translated: the catalog only needs the language's name.
  wxUILocale::UseDefault();
  if (!locale_dir.empty()) {
    wxFileTranslationsLoader::AddCatalogLookupPathPrefix(to_wx(locale_dir.string()));
  }
  auto* translations = new wxTranslations;
  wxTranslations::Set(translations);  // owns it
  translations->AddStdCatalog();
  result.catalog_loaded = translations->AddCatalog("nixtray", wxLANGUAGE_ENGLISH_US);
  result.language = translations->GetBestTranslation("nixtray", wxLANGUAGE_ENGLISH_US);
  return result;
}

}  // namespace nixtray::gui
