#include "nixtray/testing/unix_socket_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "nixtray/testing/stream_connect.hpp"
#include "nixtray/testing/timeouts.hpp"

namespace nixtray::testing {
namespace {

// -1 when nothing accepts there: for these checks that is an answer, not an error.
int connect_to(const std::filesystem::path& path) {
  try {
    return connect_unix_stream(path);
  } catch (const std::runtime_error&) {
    return -1;
  }
}

}  // namespace

bool UnixSocketClient::can_connect(const std::filesystem::path& path) {
  const int fd = connect_to(path);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

bool UnixSocketClient::wait_for_listener(const std::filesystem::path& path, std::chrono::milliseconds timeout) {
  return wait_until([&] { return can_connect(path); }, scaled(timeout));
}

std::optional<std::string> UnixSocketClient::exchange(const std::filesystem::path& path, const std::string& request,
                                                      std::chrono::milliseconds timeout) {
  const int fd = connect_to(path);
  if (fd < 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return std::nullopt;
    }
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string reply;
  char buf[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return reply;
}

}  // namespace nixtray::testing
