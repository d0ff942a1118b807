// A connection carrying newline-delimited messages: one reader, one writer, a bounded outgoing
// queue and deadlines, over any ByteStream. Both the agent's sessions and the clients use it.
//
// Threading: every member function must be called on the stream's executor (the agent runs one
// thread; the tray runs its Asio thread). Handlers run on that executor too.
#pragma once

#include "nixtray/net/asio.hpp"
#include "nixtray/net/byte_stream.hpp"
#include "nixtray/protocol/line_framer.hpp"
#include "nixtray/protocol/wire_text.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace nixtray::net {

struct ConnectionLimits {
  std::size_t max_line_bytes = protocol::default_max_line_bytes;
  std::size_t max_queued_bytes = 16 * 1024 * 1024;  // outgoing bytes not yet written
  // While more outgoing bytes than this wait to be written, the next line is not read (zero: read
  // on): a peer that does not take its answers stops being served, rather than being answered
  // into a growing queue.
  std::size_t pause_reading_above = 0;
  std::size_t read_chunk_bytes = 16 * 1024;
  // Zero disables a deadline.
  std::chrono::milliseconds first_line_timeout{0};  // the first line must arrive within this
  std::chrono::milliseconds line_timeout{0};        // a started line must be finished within this
  std::chrono::milliseconds write_timeout{0};       // one write must be taken by the peer within this
};

enum class CloseReason {
  closed_locally,
  peer_closed,
  read_error,
  write_error,
  line_too_large,
  queue_overflow,
  stalled_subscriber,
  first_line_timeout,
  handshake_timeout,
  line_timeout,
  write_timeout,
  internal_error,
};
std::string_view describe(CloseReason reason);

class LineConnection : public std::enable_shared_from_this<LineConnection> {
 public:
  using LineHandler = std::function<void(std::string line)>;
  using OversizeHandler = std::function<void()>;
  using CloseHandler = std::function<void(CloseReason)>;

  LineConnection(std::unique_ptr<ByteStream> stream, ConnectionLimits limits);
  ~LineConnection();
  LineConnection(const LineConnection&) = delete;
  LineConnection& operator=(const LineConnection&) = delete;

  // on_oversize runs once when a line exceeds the limit; reading stops. The handler may still
  // send() (an error reply) and then close_after_flush(). Without a handler the connection closes.
  void start(LineHandler on_line, CloseHandler on_close, OversizeHandler on_oversize = {});
  // When set before start(), the peer shutting down its sending side (end of input) calls this
  // instead of closing: the handler may still send and then close_after_flush().
  void on_end_of_input(std::function<void()> handler) { on_end_of_input_ = std::move(handler); }

  // From the next line on (a limit for a connection's first lines, raised after its handshake).
  void set_max_line_bytes(std::size_t max_line_bytes);

  // Queues one message; '\n' is appended. Returns false when the connection is closed or
  // closing; closes the connection (queue_overflow) when the queue limit would be exceeded.
  bool send(std::string message);
  // Queues one message and, right after its '\n', `payload` as it is (not a line: the peer knows
  // its length from the message). Same limits and result as send().
  bool send(std::string message, std::string payload);

  // The next `bytes` bytes that arrive after the line being handled are a payload, handed whole
  // to `on_payload` instead of being read as lines. Called from the line handler of the line that
  // announced them; more than the line limit closes the connection (line_too_large).
  void expect_payload(std::size_t bytes, std::function<void(std::string)> on_payload);

  // Stops reading, writes what is queued (bounded by write_timeout), then closes.
  void close_after_flush();
  void close(CloseReason reason = CloseReason::closed_locally);

  [[nodiscard]] bool is_open() const { return !closed_; }
  [[nodiscard]] std::size_t queued_bytes() const { return queued_bytes_; }
  [[nodiscard]] const ConnectionLimits& limits() const { return limits_; }
  [[nodiscard]] std::string describe_peer() const { return stream_->describe(); }
  [[nodiscard]] asio::any_io_executor get_executor() const { return executor_; }

 private:
  asio::awaitable<void> read_loop();
  asio::awaitable<void> write_loop();
  asio::awaitable<void> watchdog();
  asio::awaitable<void> wait_for_backlog_to_drain();
  void arm_read_deadline(std::chrono::milliseconds timeout, CloseReason reason);
  void disarm_read_deadline();
  [[nodiscard]] bool backlogged() const;
  void rearm_watchdog_if_earlier(Clock::time_point deadline);

  asio::any_io_executor executor_;
  std::unique_ptr<ByteStream> stream_;
  ConnectionLimits limits_;
  protocol::LineFramer framer_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  asio::steady_timer writer_wakeup_;
  asio::steady_timer reader_wakeup_;
  asio::steady_timer watchdog_timer_;
  Clock::time_point read_deadline_ = Clock::time_point::max();
  Clock::time_point write_deadline_ = Clock::time_point::max();
  CloseReason read_deadline_reason_ = CloseReason::line_timeout;
  bool got_first_line_ = false;
  bool closing_ = false;
  bool closed_ = false;
  LineHandler on_line_;
  CloseHandler on_close_;
  OversizeHandler on_oversize_;
  std::function<void()> on_end_of_input_;
  std::function<void(std::string)> on_payload_;
};

}  // namespace nixtray::net
