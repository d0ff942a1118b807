#include "platform_services.hpp"

#include "linux/xdg_autostart.hpp"

namespace nixtray::platform {

std::unique_ptr<tray::StartAtLogin> make_start_at_login(std::string executable, std::vector<std::string> arguments) {
  return std::make_unique<XdgAutostart>(XdgAutostartOptions{{}, std::move(executable), std::move(arguments)});
}

}  // namespace nixtray::platform
