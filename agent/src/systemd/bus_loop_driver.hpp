// Runs an sd-bus connection on the agent's Asio loop, without a thread and without polling: it
// waits for what sd_bus_get_events() asks (readable/writable socket) and for sd_bus_get_timeout()
// (a reply deadline, auth), then calls sd_bus_process() until it has nothing left to do.
#pragma once

#include "nixtray/net/asio.hpp"
#include "systemd/bus_connection.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace nixtray::agent {

class BusLoopDriver {
 public:
  // on_round: after each processing round (the signals and replies it brought were handled),
  // e.g. to send the requests they asked for in one go.
  // on_lost: the connection is gone; posted, never called from inside sd-bus, so the callee may
  // destroy this driver and the connection.
  BusLoopDriver(net::asio::io_context& io, BusConnection& bus, std::function<void()> on_round,
                std::function<void(const std::string& reason)> on_lost);
  ~BusLoopDriver();  // gives the socket back to sd-bus (which closes it), unclosed
  BusLoopDriver(const BusLoopDriver&) = delete;
  BusLoopDriver& operator=(const BusLoopDriver&) = delete;

  void start();
  // After queueing calls outside a round: wait for what sd-bus needs now (e.g. writability).
  void rearm();

 private:
  void round();
  void arm();
  void lose(const std::string& reason);

  net::asio::io_context& io_;
  BusConnection& bus_;
  net::asio::posix::stream_descriptor socket_;
  net::asio::steady_timer deadline_timer_;
  std::function<void()> on_round_;
  std::function<void(const std::string&)> on_lost_;
  bool waiting_readable_ = false;
  bool waiting_writable_ = false;
  std::optional<std::chrono::steady_clock::time_point> armed_deadline_;
  bool lost_ = false;
  // Handlers queued by Asio may outlive the driver; they check this first.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace nixtray::agent
