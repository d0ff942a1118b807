#include "io_thread.hpp"

#include <exception>
#include <future>
#include <iostream>

namespace nixtray::gui {

namespace asio = net::asio;

IoThread::IoThread() : work_(asio::make_work_guard(context_)) {}

IoThread::~IoThread() { stop(); }

void IoThread::start() {
  thread_ = std::thread([this] {
    for (;;) {
      try {
        context_.run();
        return;
      } catch (const std::exception& e) {
        // Core catches at its coroutine roots; anything here is a bug, but the tray keeps running.
        std::cerr << "nixtray: unexpected error on the io thread: " << e.what() << "\n";
      }
    }
  });
}

void IoThread::post(std::function<void()> fn) { asio::post(context_, std::move(fn)); }

void IoThread::run_and_wait(std::function<void()> fn) {
  if (!thread_.joinable()) {
    return;
  }
  std::promise<void> done;
  auto finished = done.get_future();
  asio::post(context_, [&] {
    try {
      fn();
    } catch (...) {
      done.set_exception(std::current_exception());
      return;
    }
    done.set_value();
  });
  finished.get();
}

void IoThread::stop() {
  if (!thread_.joinable()) {
    return;
  }
  work_.reset();
  // Closed sockets and cancelled timers complete promptly; a stuck child process (a distro
  // command) is not waited for.
  context_.stop();
  thread_.join();
}

bool IoThread::running_in_this_thread() const { return thread_.get_id() == std::this_thread::get_id(); }

}  // namespace nixtray::gui
