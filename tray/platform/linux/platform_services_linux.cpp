#include "platform_services.hpp"

#include "linux/x11_tray_host_watch.hpp"
#include "linux/xdg_autostart.hpp"

namespace nixtray::platform {

std::unique_ptr<tray::StartAtLogin> make_start_at_login(std::string executable, std::vector<std::string> arguments) {
  return std::make_unique<XdgAutostart>(XdgAutostartOptions{{}, std::move(executable), std::move(arguments)});
}

std::unique_ptr<TrayHostWatch> watch_tray_host() { return X11TrayHostWatch::open(); }

}  // namespace nixtray::platform
