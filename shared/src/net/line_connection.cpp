#include "nixtray/net/line_connection.hpp"

#include <algorithm>
#include <vector>

namespace nixtray::net {

std::string_view describe(CloseReason reason) {
  switch (reason) {
    case CloseReason::closed_locally:
      return "closed";
    case CloseReason::peer_closed:
      return "peer closed the connection";
    case CloseReason::read_error:
      return "read error";
    case CloseReason::write_error:
      return "write error";
    case CloseReason::line_too_large:
      return "message too large";
    case CloseReason::queue_overflow:
      return "peer does not read what it is sent (outgoing queue full)";
    case CloseReason::stalled_subscriber:
      return "peer does not read the events it subscribed to (too many waiting)";
    case CloseReason::first_line_timeout:
      return "no request within the deadline";
    case CloseReason::handshake_timeout:
      return "handshake not finished within the deadline";
    case CloseReason::line_timeout:
      return "message not completed within the deadline";
    case CloseReason::write_timeout:
      return "peer did not take our data within the deadline";
    case CloseReason::internal_error:
      return "internal error";
  }
  return "closed";
}

LineConnection::LineConnection(std::unique_ptr<ByteStream> stream, ConnectionLimits limits)
    : executor_(stream->get_executor()),
      stream_(std::move(stream)),
      limits_(limits),
      framer_(limits.max_line_bytes),
      writer_wakeup_(executor_),
      reader_wakeup_(executor_),
      watchdog_timer_(executor_) {}

LineConnection::~LineConnection() { stream_->close(); }

void LineConnection::start(LineHandler on_line, CloseHandler on_close, OversizeHandler on_oversize) {
  on_line_ = std::move(on_line);
  on_close_ = std::move(on_close);
  on_oversize_ = std::move(on_oversize);
  if (limits_.first_line_timeout.count() > 0) {
    arm_read_deadline(limits_.first_line_timeout, CloseReason::first_line_timeout);
  }
  auto self = shared_from_this();
  auto on_exception = [self](std::exception_ptr error) {
    if (error) {
      self->close(CloseReason::internal_error);
    }
  };
  asio::co_spawn(executor_, read_loop(), on_exception);
  asio::co_spawn(executor_, write_loop(), on_exception);
  asio::co_spawn(executor_, watchdog(), on_exception);
}

void LineConnection::set_max_line_bytes(std::size_t max_line_bytes) {
  limits_.max_line_bytes = max_line_bytes;
  framer_.set_max_line_bytes(max_line_bytes);
}

bool LineConnection::send(std::string message) {
  if (closed_ || closing_) {
    return false;
  }
  message.push_back('\n');
  if (queued_bytes_ + message.size() > limits_.max_queued_bytes) {
    close(CloseReason::queue_overflow);
    return false;
  }
  queued_bytes_ += message.size();
  queue_.push_back(std::move(message));
  writer_wakeup_.cancel();
  return true;
}

bool LineConnection::send(std::string message, std::string payload) {
  if (closed_ || closing_) {
    return false;
  }
  message.push_back('\n');
  if (queued_bytes_ + message.size() + payload.size() > limits_.max_queued_bytes) {
    close(CloseReason::queue_overflow);
    return false;
  }
  queued_bytes_ += message.size() + payload.size();
  queue_.push_back(std::move(message));
  if (!payload.empty()) {
    queue_.push_back(std::move(payload));  // gathered into the same write; no copy into the line
  }
  writer_wakeup_.cancel();
  return true;
}

void LineConnection::expect_payload(std::size_t bytes, std::function<void(std::string)> on_payload) {
  framer_.expect_payload(bytes);
  on_payload_ = std::move(on_payload);
}

void LineConnection::close_after_flush() {
  if (closed_ || closing_) {
    return;
  }
  closing_ = true;
  disarm_read_deadline();
  writer_wakeup_.cancel();
  reader_wakeup_.cancel();
}

void LineConnection::close(CloseReason reason) {
  if (closed_) {
    return;
  }
  closed_ = true;
  stream_->close();
  writer_wakeup_.cancel();
  reader_wakeup_.cancel();
  watchdog_timer_.cancel();
  // Handlers usually own this connection through their captures: release them after the last
  // call, and run that call from the executor so nobody is re-entered mid-operation.
  auto handler = std::move(on_close_);
  on_line_ = nullptr;
  on_oversize_ = nullptr;
  on_end_of_input_ = nullptr;
  on_payload_ = nullptr;
  if (handler) {
    asio::post(executor_, [handler = std::move(handler), reason] { handler(reason); });
  }
}

void LineConnection::arm_read_deadline(std::chrono::milliseconds timeout, CloseReason reason) {
  read_deadline_ = Clock::now() + timeout;
  read_deadline_reason_ = reason;
  rearm_watchdog_if_earlier(read_deadline_);
}

void LineConnection::disarm_read_deadline() { read_deadline_ = Clock::time_point::max(); }

void LineConnection::rearm_watchdog_if_earlier(Clock::time_point deadline) {
  if (deadline < watchdog_timer_.expiry()) {
    watchdog_timer_.cancel();  // the watchdog loop re-reads the deadlines
  }
}

bool LineConnection::backlogged() const {
  return limits_.pause_reading_above > 0 && queued_bytes_ > limits_.pause_reading_above;
}

asio::awaitable<void> LineConnection::wait_for_backlog_to_drain() {
  // The writer wakes us when the queue has shrunk; the write deadline drops a peer that takes
  // nothing, so this wait is bounded too.
  while (backlogged() && !closed_ && !closing_) {
    reader_wakeup_.expires_at(Clock::time_point::max());
    co_await reader_wakeup_.async_wait(use_nothrow);
  }
}

asio::awaitable<void> LineConnection::read_loop() {
  auto self = shared_from_this();
  std::string buffer(limits_.read_chunk_bytes, '\0');
  while (!closed_ && !closing_) {
    if (backlogged()) {
      auto draining = wait_for_backlog_to_drain();
      co_await std::move(draining);
      continue;
    }
    auto [ec, n] = co_await stream_->read_some(asio::buffer(buffer));
    if (closed_ || closing_) {
      co_return;
    }
    if (ec == asio::error::eof && on_end_of_input_) {
      disarm_read_deadline();
      auto handler = std::move(on_end_of_input_);
      handler();
      co_return;
    }
    if (ec) {
      close(ec == asio::error::eof ? CloseReason::peer_closed : CloseReason::read_error);
      co_return;
    }
    framer_.feed(std::string_view(buffer.data(), n));
    for (;;) {
      auto next = framer_.next();
      if (next.status == protocol::LineFramer::Status::need_more) {
        break;
      }
      if (next.status == protocol::LineFramer::Status::too_large) {
        disarm_read_deadline();
        if (on_oversize_) {
          auto handler = std::move(on_oversize_);
          handler();
        } else {
          close(CloseReason::line_too_large);
        }
        co_return;
      }
      if (next.payload) {
        if (auto handler = std::move(on_payload_)) {
          handler(std::move(next.line));
        }
        if (closed_ || closing_) {
          co_return;
        }
        continue;
      }
      if (next.line.empty()) {
        continue;  // a bare newline is not a message (and does not count as the first one)
      }
      if (!got_first_line_) {
        got_first_line_ = true;
        disarm_read_deadline();
      } else if (read_deadline_reason_ == CloseReason::line_timeout) {
        disarm_read_deadline();
      }
      if (on_line_) {
        on_line_(std::move(next.line));
      }
      if (closed_ || closing_) {
        co_return;
      }
      if (backlogged()) {
        // Lines already read wait in the framer until the peer has taken its answers.
        auto draining = wait_for_backlog_to_drain();
        co_await std::move(draining);
        if (closed_ || closing_) {
          co_return;
        }
      }
    }
    // A partial line starts its clock once; more bytes of it do not extend the deadline, so a
    // client trickling one byte a second is still dropped.
    if (framer_.has_partial_line() && got_first_line_ && limits_.line_timeout.count() > 0 &&
        read_deadline_ == Clock::time_point::max()) {
      arm_read_deadline(limits_.line_timeout, CloseReason::line_timeout);
    }
  }
}

asio::awaitable<void> LineConnection::write_loop() {
  auto self = shared_from_this();
  constexpr std::size_t max_batch_bytes = 256 * 1024;
  std::vector<asio::const_buffer> batch;
  while (!closed_) {
    if (queue_.empty()) {
      if (closing_) {
        close(CloseReason::closed_locally);
        co_return;
      }
      writer_wakeup_.expires_at(Clock::time_point::max());
      co_await writer_wakeup_.async_wait(use_nothrow);
      continue;
    }
    // Gather queued messages into one write: fewer syscalls when events come in bursts.
    batch.clear();
    std::size_t batch_bytes = 0;
    std::size_t batch_count = 0;
    for (const auto& message : queue_) {
      if (batch_count > 0 && batch_bytes + message.size() > max_batch_bytes) {
        break;
      }
      batch.emplace_back(asio::buffer(message));
      batch_bytes += message.size();
      ++batch_count;
    }
    if (limits_.write_timeout.count() > 0) {
      write_deadline_ = Clock::now() + limits_.write_timeout;
      rearm_watchdog_if_earlier(write_deadline_);
    }
    auto [ec, n] = co_await stream_->write_all(batch);
    write_deadline_ = Clock::time_point::max();
    if (closed_) {
      co_return;
    }
    if (ec) {
      close(CloseReason::write_error);
      co_return;
    }
    for (std::size_t i = 0; i < batch_count; ++i) {
      queued_bytes_ -= queue_.front().size();
      queue_.pop_front();
    }
    if (!backlogged()) {
      reader_wakeup_.cancel();
    }
  }
}

asio::awaitable<void> LineConnection::watchdog() {
  auto self = shared_from_this();
  while (!closed_) {
    const auto deadline = std::min(read_deadline_, write_deadline_);
    watchdog_timer_.expires_at(deadline);
    co_await watchdog_timer_.async_wait(use_nothrow);
    if (closed_) {
      co_return;
    }
    const auto now = Clock::now();
    if (read_deadline_ <= now) {
      close(read_deadline_reason_);
    } else if (write_deadline_ <= now) {
      close(CloseReason::write_timeout);
    }
  }
}

}  // namespace nixtray::net
