// Tells when an X tray host comes or goes (a panel restarting): the freedesktop system tray spec
// makes the host the owner of the selection _NET_SYSTEM_TRAY_S<screen>, and XFixes reports every
// change of a selection's owner. On its own X connection, so the tray needs no timer to notice.
#pragma once

#include "platform_services.hpp"

#include <memory>

namespace nixtray::platform {

class X11TrayHostWatch final : public TrayHostWatch {
 public:
  // nullptr without an X display or without XFixes.
  static std::unique_ptr<X11TrayHostWatch> open();
  ~X11TrayHostWatch() override;
  X11TrayHostWatch(const X11TrayHostWatch&) = delete;
  X11TrayHostWatch& operator=(const X11TrayHostWatch&) = delete;

  [[nodiscard]] int fd() const override;
  bool owner_changed() override;
  [[nodiscard]] std::string describe() const override { return "X11 selection owner (XFixes)"; }

 private:
  struct Connection;
  explicit X11TrayHostWatch(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> connection_;
};

}  // namespace nixtray::platform
