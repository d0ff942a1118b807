#include "platform_services.hpp"

#include "win/run_key_start_at_login.hpp"

namespace nixtray::platform {

std::unique_ptr<tray::StartAtLogin> make_start_at_login(std::string executable, std::vector<std::string> arguments) {
  return std::make_unique<RunKeyStartAtLogin>(RunKeyOptions{"nixtray", std::move(executable), std::move(arguments)});
}

std::unique_ptr<TrayHostWatch> watch_tray_host() { return nullptr; }

}  // namespace nixtray::platform
