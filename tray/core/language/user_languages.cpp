#include "core/language/user_languages.hpp"

#include "core/language/message_catalogue.hpp"
#include "core/system/environment.hpp"
#include "core/system/system_language.hpp"

namespace nixtray::tray {

std::vector<std::string> user_languages() {
  const auto variable = [](const char* name) { return environment_variable(name); };
  const bool locale_named =
      !variable("LC_ALL").empty() || !variable("LC_MESSAGES").empty() || !variable("LANG").empty();
  if (!locale_named) {
    if (auto language = system_ui_language()) return {*language};
  }
  return message_languages(variable);
}

}  // namespace nixtray::tray
