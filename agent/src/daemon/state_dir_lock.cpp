#include "daemon/state_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nixtray::agent {

namespace {

// The pid the holder wrote, as text ("" when it cannot be read).
std::string holder_pid(int fd) {
  char buffer[32] = {};
  const auto n = ::pread(fd, buffer, sizeof(buffer) - 1, 0);
  if (n <= 0) return {};
  std::string text(buffer, static_cast<std::size_t>(n));
  const auto end = text.find_first_not_of("0123456789");
  return text.substr(0, end);
}

}  // namespace

StateDirLock::StateDirLock(const std::filesystem::path& state_dir) {
  const auto file = state_dir / "agent.lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open the lock file " + file.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const auto pid = error == EWOULDBLOCK ? holder_pid(fd_) : std::string();
    ::close(fd_);
    fd_ = -1;
    if (error != EWOULDBLOCK) {
      throw std::runtime_error("cannot lock " + file.string() + ": " + std::strerror(error));
    }
    throw std::runtime_error("another nixtray-agent" + (pid.empty() ? std::string() : " (pid " + pid + ")") +
                             " already serves the state directory " + state_dir.string() +
                             "; two agents on one directory would overwrite each other's jobs");
  }
  // Ours now: say who holds it. A failed write only makes a second agent's message less precise.
  const auto pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const auto written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

StateDirLock::~StateDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace nixtray::agent
