#include "core/system/user_folders.hpp"

#include "core/system/environment.hpp"

namespace nixtray::tray {

namespace fs = std::filesystem;

namespace {

fs::path home_folder() { return environment_variable("HOME"); }

}  // namespace

fs::path user_config_folder() {
  // The XDG base directory spec: a relative XDG_CONFIG_HOME is invalid and ignored.
  const fs::path xdg = environment_variable("XDG_CONFIG_HOME");
  return xdg.empty() || !xdg.is_absolute() ? home_folder() / ".config" : xdg;
}

fs::path user_data_folder() {
  const fs::path xdg = environment_variable("XDG_DATA_HOME");
  return xdg.empty() ? home_folder() / ".local" / "share" : xdg;
}

fs::path user_secrets_folder() { return user_config_folder(); }

fs::path downloads_folder() {
  const fs::path xdg = environment_variable("XDG_DOWNLOAD_DIR");
  return xdg.empty() ? home_folder() / "Downloads" : xdg;
}

}  // namespace nixtray::tray
