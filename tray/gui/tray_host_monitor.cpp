#include "tray_host_monitor.hpp"

#include "platform_services.hpp"

namespace nixtray::gui {

namespace {

#if wxUSE_EVENTLOOP_SOURCE
// Hands the watch's input to the app, on the GUI thread (wx's event loop polls the descriptor).
class TrayHostInput final : public wxEventLoopSourceHandler {
 public:
  TrayHostInput(platform::TrayHostWatch& watch, std::function<void()> changed)
      : watch_(watch), changed_(std::move(changed)) {}
  void OnReadWaiting() override {
    if (watch_.owner_changed()) changed_();
  }
  void OnWriteWaiting() override {}
  void OnExceptionWaiting() override {}

 private:
  platform::TrayHostWatch& watch_;
  std::function<void()> changed_;
};
#endif

}  // namespace

TrayHostMonitor::TrayHostMonitor(UiLog& log, std::function<void()> look)
    : log_(log), look_(std::move(look)), timer_(look_) {}

TrayHostMonitor::~TrayHostMonitor() { stop(); }

void TrayHostMonitor::start() {
#if !defined(__WXMSW__)
  watch_ = platform::watch_tray_host();
#if wxUSE_EVENTLOOP_SOURCE
  if (watch_) {
    input_ = std::make_unique<TrayHostInput>(*watch_, look_);
    source_.reset(wxEventLoopBase::AddSourceForFD(watch_->fd(), input_.get(), wxEVENT_SOURCE_INPUT));
  }
  if (source_) {
    log_.write("tray-host-watch", {{"how", watch_->describe()}});
    // The host may have come or gone between IsAvailable() and the watch's start.
    look_();
    return;
  }
#endif
  watch_.reset();
  log_.write("tray-host-watch", {{"how", "every 3 s"}});
  timer_.Start(3000);
#endif
}

void TrayHostMonitor::stop() {
  timer_.Stop();
#if wxUSE_EVENTLOOP_SOURCE
  source_.reset();
#endif
}

}  // namespace nixtray::gui
