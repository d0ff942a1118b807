// Benchmarks (--demo-log-lines N): N generated lines streamed into the Jobs page's live log as if
// the agent had sent them. The lines are made on the io thread and handed over in small chunks,
// as agent events are; a 20 ms heartbeat on the GUI thread measures how long its loop was kept
// busy, and the UI log gets the result ("demo-log") once every line is shown.
#pragma once

#include "io_thread.hpp"
#include "session_host.hpp"
#include "ui_log.hpp"

#include <wx/timer.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace nixtray::gui {

class DemoLogFeed {
 public:
  // `lines_shown`: how many lines the Jobs page shows now (GUI thread).
  DemoLogFeed(SessionHost& host, IoThread& io, UiLog& log, std::function<std::size_t()> lines_shown);
  ~DemoLogFeed();
  DemoLogFeed(const DemoLogFeed&) = delete;
  DemoLogFeed& operator=(const DemoLogFeed&) = delete;

  void start(long long lines);
  void stop();

 private:
  struct Progress {
    long long total = 0;
    long long sent = 0;  // io thread
    std::chrono::steady_clock::time_point start;
    std::chrono::steady_clock::time_point last_beat;
    long long worst_gap = 0;
  };
  class Heartbeat : public wxTimer {
   public:
    explicit Heartbeat(DemoLogFeed& feed) : feed_(feed) {}
    void Notify() override { feed_.beat(); }

   private:
    DemoLogFeed& feed_;
  };

  static void send_chunk(std::shared_ptr<Progress> progress, SessionHost& host, IoThread& io);
  void beat();

  SessionHost& host_;
  IoThread& io_;
  UiLog& log_;
  std::function<std::size_t()> lines_shown_;
  std::shared_ptr<Progress> progress_;
  Heartbeat heartbeat_{*this};
};

}  // namespace nixtray::gui
