// Reading a child's output streams to their end, for the platform's run_process
// (tray/platform/posix and tray/platform/win): each stream into a string up to a limit, and after
// the child has exited, what is left, briefly (a grandchild may keep the pipes open).
#pragma once

#include "core/distro/process_runner.hpp"

#include <algorithm>
#include <memory>
#include <string>

namespace nixtray::tray {

// One of the child's output streams, read to its end into `data` (up to a limit).
template <class Stream>
struct OutputCapture {
  explicit OutputCapture(Stream pipe) : stream(std::move(pipe)) {}
  Stream stream;
  std::string data;
  bool done = false;
};

template <class Stream>
net::asio::awaitable<void> read_output(std::shared_ptr<OutputCapture<Stream>> capture, std::size_t limit) {
  std::string buffer(8192, '\0');
  for (;;) {
    auto [ec, n] = co_await capture->stream.async_read_some(net::asio::buffer(buffer), net::use_nothrow);
    if (n > 0 && capture->data.size() < limit) {
      capture->data.append(buffer.data(), std::min(n, limit - capture->data.size()));
    }
    if (ec) break;
  }
  capture->done = true;
}

// After the child has exited. A grandchild may keep the pipes open: read what is there, briefly,
// then stop listening.
template <class Stream>
net::asio::awaitable<void> finish_capture(ProcessOutcome& outcome, std::shared_ptr<OutputCapture<Stream>> out,
                                          std::shared_ptr<OutputCapture<Stream>> err) {
  auto executor = co_await net::asio::this_coro::executor;
  net::asio::steady_timer timer(executor);
  const auto drain_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while ((!out->done || !err->done) && std::chrono::steady_clock::now() < drain_deadline) {
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(net::use_nothrow);
  }
  // Cancelled before closed: under Wine, closing a pipe handle alone has left a pending read
  // (and with it the io_context) waiting on a child that outlived its termination.
  net::error_code ignored;
  out->stream.cancel(ignored);
  err->stream.cancel(ignored);
  out->stream.close(ignored);
  err->stream.close(ignored);
  outcome.out = out->data;
  outcome.err = err->data;
}

}  // namespace nixtray::tray
