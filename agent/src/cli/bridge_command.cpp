// `nixtray-agent bridge`: copies bytes between stdin/stdout and the agent's Unix socket, so a
// Windows process reaches the agent through `wsl.exe --exec` (no port, and the open pipe keeps
// the distro alive). Deliberately not Asio: two descriptors and poll() are all it takes.
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "config/agent_config.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace nixtray::agent {

namespace {

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int connect_unix(const std::filesystem::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof(address.sun_path)) {
    ::close(fd);
    throw CommandFailure(exit_usage, "socket path too long: " + path.string());
  }
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    const int err = errno;
    ::close(fd);
    throw CommandFailure(exit_unreachable, "cannot reach the agent at " + path.string() + ": " + std::strerror(err));
  }
  return fd;
}

}  // namespace

int run_bridge(const cli::ParsedCommandLine& args) {
  std::signal(SIGPIPE, SIG_IGN);
  const int agent = connect_unix(configured_socket_path(args));
  pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {agent, POLLIN, 0}};
  char buffer[64 * 1024];
  bool stdin_open = true;
  for (;;) {
    fds[0].fd = stdin_open ? STDIN_FILENO : -1;
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (stdin_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      const auto n = ::read(STDIN_FILENO, buffer, sizeof(buffer));
      if (n > 0) {
        if (!write_all(agent, buffer, static_cast<std::size_t>(n))) break;
      } else if (n == 0 || errno != EINTR) {
        // The client is done sending: let the agent see end of input, keep relaying its answers.
        stdin_open = false;
        ::shutdown(agent, SHUT_WR);
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      const auto n = ::read(agent, buffer, sizeof(buffer));
      if (n > 0) {
        if (!write_all(STDOUT_FILENO, buffer, static_cast<std::size_t>(n))) break;
      } else if (n == 0 || errno != EINTR) {
        break;  // the agent closed: nothing more will come
      }
    }
  }
  ::close(agent);
  return exit_ok;
}

}  // namespace nixtray::agent
