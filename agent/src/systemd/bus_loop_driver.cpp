#include "systemd/bus_loop_driver.hpp"

#include <poll.h>

#include <cstring>

namespace nixtray::agent {

namespace asio = net::asio;

namespace {

// A flood of signals (a restart storm) must not starve the clients: after this many messages
// the round yields to the loop and continues right after.
constexpr int messages_per_round = 256;

}  // namespace

BusLoopDriver::BusLoopDriver(asio::io_context& io, BusConnection& bus, std::function<void()> on_round,
                             std::function<void(const std::string&)> on_lost)
    : io_(io),
      bus_(bus),
      socket_(io),
      deadline_timer_(io),
      on_round_(std::move(on_round)),
      on_lost_(std::move(on_lost)) {}

BusLoopDriver::~BusLoopDriver() {
  if (socket_.is_open()) {
    socket_.release();  // cancels the waits; sd-bus closes the descriptor itself
  }
}

void BusLoopDriver::start() {
  const int fd = bus_.fd();
  if (fd < 0) {
    lose(std::string("no socket: ") + std::strerror(-fd));
    return;
  }
  net::error_code ec;
  socket_.assign(fd, ec);
  if (ec) {
    lose("cannot watch the bus socket: " + ec.message());
    return;
  }
  round();
}

void BusLoopDriver::rearm() {
  if (!lost_) {
    arm();
  }
}

void BusLoopDriver::round() {
  if (lost_) {
    return;
  }
  for (int i = 0; i < messages_per_round; ++i) {
    const int r = bus_.process();
    if (r < 0) {
      lose(std::strerror(-r));
      return;
    }
    if (!bus_.is_open()) {
      lose("the connection was closed");
      return;
    }
    if (r == 0) {
      // Idle: the socket has been read until it would block, so waiting for readability (Asio's
      // epoll is edge-triggered) cannot miss data that is already there.
      on_round_();
      arm();
      return;
    }
  }
  on_round_();
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
    if (!alive.expired()) {
      round();
    }
  });
}

void BusLoopDriver::arm() {
  const int events = bus_.wanted_events();
  if (events < 0) {
    lose(std::strerror(-events));
    return;
  }
  const std::weak_ptr<int> alive = alive_;
  if ((events & POLLIN) && !waiting_readable_) {
    waiting_readable_ = true;
    socket_.async_wait(asio::posix::stream_descriptor::wait_read, [this, alive](const net::error_code& ec) {
      if (alive.expired()) {
        return;
      }
      waiting_readable_ = false;
      if (!ec) {
        round();
      }
    });
  }
  if ((events & POLLOUT) && !waiting_writable_) {
    waiting_writable_ = true;
    socket_.async_wait(asio::posix::stream_descriptor::wait_write, [this, alive](const net::error_code& ec) {
      if (alive.expired()) {
        return;
      }
      waiting_writable_ = false;
      if (!ec) {
        round();
      }
    });
  }
  const auto deadline = bus_.deadline();
  if (deadline == armed_deadline_) {
    return;
  }
  armed_deadline_ = deadline;
  if (!deadline) {
    deadline_timer_.cancel();
    return;
  }
  deadline_timer_.expires_at(*deadline);
  deadline_timer_.async_wait([this, alive](const net::error_code& ec) {
    if (alive.expired() || ec) {
      return;
    }
    armed_deadline_.reset();
    round();
  });
}

void BusLoopDriver::lose(const std::string& reason) {
  if (lost_) {
    return;
  }
  lost_ = true;
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), reason] {
    if (!alive.expired()) {
      on_lost_(reason);
    }
  });
}

}  // namespace nixtray::agent
