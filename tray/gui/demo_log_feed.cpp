#include "demo_log_feed.hpp"

#include <algorithm>
#include <string>

namespace nixtray::gui {

namespace {

constexpr int heartbeat_ms = 20;

}  // namespace

DemoLogFeed::DemoLogFeed(SessionHost& host, IoThread& io, UiLog& log, std::function<std::size_t()> lines_shown)
    : host_(host), io_(io), log_(log), lines_shown_(std::move(lines_shown)) {}

DemoLogFeed::~DemoLogFeed() { stop(); }

void DemoLogFeed::start(long long lines) {
  progress_ = std::make_shared<Progress>();
  progress_->total = lines;
  progress_->start = std::chrono::steady_clock::now();
  progress_->last_beat = progress_->start;
  io_.post([progress = progress_, host = &host_, io = &io_] { send_chunk(progress, *host, *io); });
  heartbeat_.Start(heartbeat_ms);
}

void DemoLogFeed::stop() { heartbeat_.Stop(); }

void DemoLogFeed::send_chunk(std::shared_ptr<Progress> progress, SessionHost& host, IoThread& io) {
  constexpr long long chunk_lines = 200;
  protocol::LogChunk chunk;
  chunk.from = progress->sent;
  for (long long i = 0; i < chunk_lines && progress->sent < progress->total; ++i, ++progress->sent) {
    const auto n = progress->sent;
    chunk.lines.push_back("[" + std::to_string(n) + "] building '/nix/store/" + std::to_string(n * 7919 % 100000) +
                          "-demo-package-" + std::to_string(n % 997) + ".drv': compiling src/module" +
                          std::to_string(n % 113) + ".c");
  }
  chunk.next = progress->sent;
  chunk.complete = progress->sent == progress->total;
  host.deliver_job_log(tray::JobLogReceived{"demo", std::move(chunk)});
  if (progress->sent < progress->total) {
    io.post([progress, &host, &io] { send_chunk(progress, host, io); });
  }
}

void DemoLogFeed::beat() {
  const auto now = std::chrono::steady_clock::now();
  progress_->worst_gap = std::max<long long>(
      progress_->worst_gap, std::chrono::duration_cast<std::chrono::milliseconds>(now - progress_->last_beat).count());
  progress_->last_beat = now;
  if (lines_shown_() >= static_cast<std::size_t>(progress_->total)) {
    heartbeat_.Stop();
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - progress_->start).count();
    log_.write("demo-log", {{"lines", progress_->total},
                            {"ms", elapsed},
                            {"max_heartbeat_gap_ms", progress_->worst_gap},
                            {"heartbeat_ms", heartbeat_ms}});
  }
}

}  // namespace nixtray::gui
