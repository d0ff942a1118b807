#include "nixtray/testing/unix_socket_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "nixtray/testing/timeouts.hpp"

namespace nixtray::testing {
namespace {

int connect_to(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string p = path.string();
  if (p.size() >= sizeof addr.sun_path) return -1;
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
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
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
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
