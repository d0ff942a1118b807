// The "nixtray" gettext catalog: compiled from po/*.po with msgfmt at build time, found next to
// the executable (resource_paths). The language follows the system (LANGUAGE, LC_ALL,
// LC_MESSAGES, LANG), as gettext programs do.
#pragma once

#include <wx/string.h>

#include <filesystem>
#include <string>

namespace nixtray::gui {

struct TranslationSetup {
  wxString language;  // the catalog language chosen ("ja"), empty for English
  bool catalog_loaded = false;
};

// Installs wxTranslations for the whole app. `locale_dir` holds <lang>/LC_MESSAGES/nixtray.mo.
TranslationSetup setup_translations(const std::filesystem::path& locale_dir);

}  // namespace nixtray::gui
