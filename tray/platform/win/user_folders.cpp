#include "core/system/user_folders.hpp"

#include "core/system/environment.hpp"

namespace nixtray::tray {

namespace fs = std::filesystem;

namespace {

fs::path home_folder() { return environment_variable("USERPROFILE"); }

}  // namespace

fs::path user_config_folder() {
  const fs::path appdata = environment_variable("APPDATA");
  return appdata.empty() ? home_folder() / "AppData" / "Roaming" : appdata;
}

fs::path user_data_folder() {
  const fs::path local = environment_variable("LOCALAPPDATA");
  return local.empty() ? home_folder() / "AppData" / "Local" : local;
}

fs::path user_secrets_folder() { return user_data_folder(); }

fs::path downloads_folder() { return home_folder() / "Downloads"; }

}  // namespace nixtray::tray
