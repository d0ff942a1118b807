// The thread core runs on: one asio::io_context kept alive by a work guard, owned by the app.
// Everything in core is called on this thread (post()); results come back to wx with CallAfter.
#pragma once

#include "nixtray/net/asio.hpp"

#include <functional>
#include <thread>

namespace nixtray::gui {

class IoThread {
 public:
  IoThread();
  ~IoThread();  // stop() if still running
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  void start();
  // Runs fn on the io thread.
  void post(std::function<void()> fn);
  // Runs fn on the io thread and waits until it has run (shutdown: stop the session before the
  // context goes). Must not be called from the io thread.
  void run_and_wait(std::function<void()> fn);
  // Ends the loop and joins the thread. Handlers still queued never run; they are destroyed with
  // the context (stop the session with run_and_wait first).
  void stop();

  [[nodiscard]] net::asio::any_io_executor executor() { return context_.get_executor(); }
  [[nodiscard]] bool running_in_this_thread() const;

 private:
  net::asio::io_context context_;
  net::asio::executor_work_guard<net::asio::io_context::executor_type> work_;
  std::thread thread_;
};

}  // namespace nixtray::gui
