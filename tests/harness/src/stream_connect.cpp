#include "nixtray/testing/stream_connect.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nixtray::testing {

namespace {

int connect_or_throw(int family, const sockaddr* address, socklen_t size, const std::string& name) {
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket for " + name + ": " + std::strerror(errno));
  if (::connect(fd, address, size) != 0) {
    const int error = errno;
    ::close(fd);
    throw std::runtime_error("connect " + name + ": " + std::strerror(error));
  }
  return fd;
}

}  // namespace

int connect_unix_stream(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.native().size() >= sizeof(address.sun_path)) {
    throw std::runtime_error("connect " + path.string() + ": the path is too long for a Unix socket");
  }
  std::memcpy(address.sun_path, path.c_str(), path.native().size() + 1);
  return connect_or_throw(AF_UNIX, reinterpret_cast<const sockaddr*>(&address), sizeof(address), path.string());
}

int connect_loopback_tcp(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return connect_or_throw(AF_INET, reinterpret_cast<const sockaddr*>(&address), sizeof(address),
                          "127.0.0.1:" + std::to_string(port));
}

}  // namespace nixtray::testing
