#include "line_channel.hpp"

#include "nixtray/testing/stream_connect.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <utility>

namespace nixtray::bench {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

LineChannel LineChannel::unix_socket(const fs::path& path) { return LineChannel(testing::connect_unix_stream(path)); }

LineChannel LineChannel::loopback_tcp(int port) {
  const int fd = testing::connect_loopback_tcp(port);
  // A request is one small write: do not let Nagle hold it back waiting for an ACK.
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return LineChannel(fd);
}

LineChannel LineChannel::child_process(const std::vector<std::string>& argv) {
  testing::SpawnOptions options;
  options.env = testing::current_environment();
  options.stdin_from = testing::Redirect::pipe();
  options.stdout_to = testing::Redirect::pipe();
  options.stderr_to = testing::Redirect::null();
  options.die_with_parent = true;
  return LineChannel(testing::Subprocess::spawn(argv, std::move(options)));
}

LineChannel::LineChannel(LineChannel&& other) noexcept
    : socket_fd_(std::exchange(other.socket_fd_, -1)),
      child_(std::move(other.child_)),
      buffer_(std::move(other.buffer_)) {
  other.child_.reset();
}

LineChannel::~LineChannel() {
  if (socket_fd_ >= 0) ::close(socket_fd_);
  if (child_) child_->close_stdin();  // end of input first; the Subprocess then kills and reaps it
}

int LineChannel::fd() const { return child_ ? child_->stdout_fd() : socket_fd_; }

void LineChannel::send(const std::string& line) {
  if (child_) {
    if (!child_->running()) throw std::runtime_error("the child process has ended");
    child_->write_stdin(line);
    return;
  }
  std::size_t sent = 0;
  while (sent < line.size()) {
    const auto n = ::send(socket_fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<std::size_t>(n);
  }
}

std::optional<std::string> LineChannel::buffered_line() {
  const auto end = buffer_.find('\n');
  if (end == std::string::npos) return std::nullopt;
  auto line = buffer_.substr(0, end);
  buffer_.erase(0, end + 1);
  return line;
}

bool LineChannel::fill() {
  char chunk[65536];
  for (;;) {
    const auto n = ::read(fd(), chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

std::string LineChannel::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto line = buffered_line()) return *line;
    pollfd p{fd(), POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0 || !fill()) {
      throw std::runtime_error("no line from the peer");
    }
  }
}

json LineChannel::call(int id, const std::string& method, const json& params) {
  send(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() + "\n");
  for (;;) {
    auto message = json::parse(read_line());
    if (message.contains("id") && message["id"] == id) return message;
  }
}

}  // namespace nixtray::bench
