// A bidirectional byte stream under a LineConnection: a socket, or a pair of pipes (the stdio
// bridge, a child process). Type-erased so one LineConnection serves every transport.
#pragma once

#include "nixtray/net/asio.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nixtray::net {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  ByteStream() = default;
  ByteStream(const ByteStream&) = delete;
  ByteStream& operator=(const ByteStream&) = delete;

  virtual asio::awaitable<std::pair<error_code, std::size_t>> read_some(asio::mutable_buffer buffer) = 0;
  virtual asio::awaitable<std::pair<error_code, std::size_t>> write_all(
      const std::vector<asio::const_buffer>& buffers) = 0;
  // Cancels pending operations; they complete with operation_aborted.
  virtual void close() = 0;
  virtual asio::any_io_executor get_executor() = 0;
  // For logs: "unix", "tcp 127.0.0.1:4711", "pipe", ...
  [[nodiscard]] virtual std::string describe() const = 0;
};

template <class Socket>
class SocketStream final : public ByteStream {
 public:
  explicit SocketStream(Socket socket, std::string description)
      : socket_(std::move(socket)), description_(std::move(description)) {}

  asio::awaitable<std::pair<error_code, std::size_t>> read_some(asio::mutable_buffer buffer) override {
    auto [ec, n] = co_await socket_.async_read_some(buffer, use_nothrow);
    co_return std::pair{ec, n};
  }
  asio::awaitable<std::pair<error_code, std::size_t>> write_all(
      const std::vector<asio::const_buffer>& buffers) override {
    auto [ec, n] = co_await asio::async_write(socket_, buffers, use_nothrow);
    co_return std::pair{ec, n};
  }
  void close() override {
    error_code ignored;
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  asio::any_io_executor get_executor() override { return socket_.get_executor(); }
  [[nodiscard]] std::string describe() const override { return description_; }

  Socket& socket() { return socket_; }

 private:
  Socket socket_;
  std::string description_;
};

}  // namespace nixtray::net
