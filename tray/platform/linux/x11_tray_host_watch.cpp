#include "linux/x11_tray_host_watch.hpp"

#include <X11/Xlib.h>
#include <X11/extensions/Xfixes.h>

#include <string>

namespace nixtray::platform {

struct X11TrayHostWatch::Connection {
  Display* display = nullptr;
  int event_base = 0;

  ~Connection() {
    if (display) XCloseDisplay(display);
  }
};

std::unique_ptr<X11TrayHostWatch> X11TrayHostWatch::open() {
  auto connection = std::make_unique<Connection>();
  connection->display = XOpenDisplay(nullptr);
  if (!connection->display) return nullptr;
  int error_base = 0;
  if (!XFixesQueryExtension(connection->display, &connection->event_base, &error_base)) return nullptr;

  Display* display = connection->display;
  const int screen = DefaultScreen(display);
  const std::string selection = "_NET_SYSTEM_TRAY_S" + std::to_string(screen);
  // SelectionWindowDestroy and SelectionClientClose too: a host that dies does not give its
  // selection up, its window just disappears.
  XFixesSelectSelectionInput(display, RootWindow(display, screen), XInternAtom(display, selection.c_str(), False),
                             XFixesSetSelectionOwnerNotifyMask | XFixesSelectionWindowDestroyNotifyMask |
                                 XFixesSelectionClientCloseNotifyMask);
  XFlush(display);
  return std::unique_ptr<X11TrayHostWatch>(new X11TrayHostWatch(std::move(connection)));
}

X11TrayHostWatch::X11TrayHostWatch(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}

X11TrayHostWatch::~X11TrayHostWatch() = default;

int X11TrayHostWatch::fd() const { return ConnectionNumber(connection_->display); }

bool X11TrayHostWatch::owner_changed() {
  Display* display = connection_->display;
  bool changed = false;
  // XPending reads what is waiting on the socket; events can also have been queued already by an
  // earlier request's reply, so drain the queue, not only the socket.
  while (XPending(display) > 0) {
    XEvent event;
    XNextEvent(display, &event);
    if (event.type == connection_->event_base + XFixesSelectionNotify) changed = true;
  }
  return changed;
}

}  // namespace nixtray::platform
