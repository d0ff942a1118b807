// Tells the app when a tray host (what shows tray icons) may have come or gone: an X tray host can
// come and go (a panel restarts) and wx has no event for it. The platform layer's watch is polled
// by wx's event loop where it can be (X11 with XFixes); elsewhere the app is asked to look every
// 3 s. Windows always has its taskbar, and wxMSW puts the icon back when Explorer restarts, so
// there is nothing to watch there.
#pragma once

#include "ui_log.hpp"

#include <wx/evtloop.h>
#include <wx/evtloopsrc.h>
#include <wx/timer.h>

#include <functional>
#include <memory>

namespace nixtray::platform {
class TrayHostWatch;
}

namespace nixtray::gui {

class TrayHostMonitor {
 public:
  // `look` runs on the GUI thread whenever the tray host may have changed.
  TrayHostMonitor(UiLog& log, std::function<void()> look);
  ~TrayHostMonitor();
  TrayHostMonitor(const TrayHostMonitor&) = delete;
  TrayHostMonitor& operator=(const TrayHostMonitor&) = delete;

  void start();
  void stop();

 private:
  class PollTimer : public wxTimer {
   public:
    explicit PollTimer(std::function<void()> look) : look_(std::move(look)) {}
    void Notify() override { look_(); }

   private:
    std::function<void()> look_;
  };

  UiLog& log_;
  std::function<void()> look_;
  PollTimer timer_;
  std::unique_ptr<platform::TrayHostWatch> watch_;
#if wxUSE_EVENTLOOP_SOURCE
  std::unique_ptr<wxEventLoopSourceHandler> input_;
  std::unique_ptr<wxEventLoopSource> source_;
#endif
};

}  // namespace nixtray::gui
