// A ByteStream over two pipe ends: our stdin/stdout (the bridge) or a child's (exec transport).
// POSIX: PipeStream; Windows: ChildProcessStream (overlapped named pipes).
#pragma once

#include "nixtray/net/byte_stream.hpp"

#if !defined(_WIN32)
#include <sys/types.h>

namespace nixtray::net {

class PipeStream final : public ByteStream {
 public:
  // Takes ownership of both descriptors. `child` (if > 0) is terminated and reaped on close.
  PipeStream(asio::any_io_executor executor, int read_fd, int write_fd, pid_t child, std::string description);
  ~PipeStream() override;

  asio::awaitable<std::pair<error_code, std::size_t>> read_some(asio::mutable_buffer buffer) override;
  asio::awaitable<std::pair<error_code, std::size_t>> write_all(
      const std::vector<asio::const_buffer>& buffers) override;
  void close() override;
  asio::any_io_executor get_executor() override { return in_.get_executor(); }
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  void reap_child();

  asio::posix::stream_descriptor in_;
  asio::posix::stream_descriptor out_;
  pid_t child_;
  std::string description_;
};

// Starts argv (no shell; PATH is searched) with its stdin/stdout connected to a PipeStream;
// its stderr is inherited. Throws std::system_error naming the program when it cannot start.
std::unique_ptr<PipeStream> spawn_command_stream(asio::any_io_executor executor, const std::vector<std::string>& argv);

}  // namespace nixtray::net

#else
#include "nixtray/net/windows_child.hpp"

namespace nixtray::net {

// The child's stdin and stdout on overlapped pipes (windows_child.hpp). Closing ends its stdin,
// which the bridge takes as the end; a child that does not exit soon after is terminated (only
// the process we started, by its handle).
class ChildProcessStream final : public ByteStream {
 public:
  ChildProcessStream(windows::Child child, std::string description)
      : child_(std::move(child)), description_(std::move(description)) {}
  ~ChildProcessStream() override { close(); }

  asio::awaitable<std::pair<error_code, std::size_t>> read_some(asio::mutable_buffer buffer) override;
  asio::awaitable<std::pair<error_code, std::size_t>> write_all(
      const std::vector<asio::const_buffer>& buffers) override;
  void close() override;
  asio::any_io_executor get_executor() override { return child_.process.get_executor(); }
  [[nodiscard]] std::string describe() const override { return description_; }

 private:
  windows::Child child_;
  std::string description_;
};

// As the POSIX one: argv (no shell) with its stdin/stdout as the stream; stderr is ours when we
// have a console, else discarded.
std::unique_ptr<ByteStream> spawn_command_stream(asio::any_io_executor executor, const std::vector<std::string>& argv);

}  // namespace nixtray::net
#endif
