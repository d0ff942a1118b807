#include "state/path_watcher.hpp"

#include "support/logger.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nixtray::agent {

namespace asio = net::asio;

PathWatcher::PathWatcher(asio::io_context& io, std::function<void()> on_change, std::chrono::milliseconds settle)
    : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      stream_(io),
      settle_timer_(io),
      settle_(settle),
      on_change_(std::move(on_change)) {
  if (fd_ < 0) {
    log_warning(std::string("inotify unavailable: ") + std::strerror(errno) + "; state is re-read on request");
  } else {
    stream_.assign(fd_);
  }
}

PathWatcher::~PathWatcher() {
  *alive_ = false;
  net::error_code ignored;
  stream_.close(ignored);
}

bool PathWatcher::watch_directory(const std::filesystem::path& directory, std::set<std::string> only_names,
                                  bool modifications) {
  if (fd_ < 0) {
    return false;
  }
  const int wd = ::inotify_add_watch(fd_, directory.c_str(),
                                     IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF |
                                         IN_MOVE_SELF | IN_ONLYDIR | (modifications ? IN_MODIFY : 0u));
  if (wd < 0) {
    log_warning("cannot watch " + directory.string() + ": " + std::strerror(errno));
    return false;
  }
  // Watching a directory twice gives the same descriptor: merge what each caller wants.
  const auto [it, inserted] = filters_.try_emplace(wd, only_names);
  if (!inserted) {
    if (it->second.empty() || only_names.empty()) {
      it->second.clear();
    } else {
      it->second.insert(only_names.begin(), only_names.end());
    }
  }
  return true;
}

void PathWatcher::start() {
  if (fd_ >= 0) {
    asio::co_spawn(stream_.get_executor(), read_loop(), asio::detached);
  }
}

bool PathWatcher::read_pending_events() {
  // Events are copied out of the buffer, not cast in place: nothing guarantees their alignment.
  char buffer[16 * 1024];
  bool relevant = false;
  for (;;) {
    const auto n = ::read(fd_, buffer, sizeof(buffer));
    if (n <= 0) {
      return relevant;
    }
    for (std::size_t offset = 0; offset + sizeof(inotify_event) <= static_cast<std::size_t>(n);) {
      inotify_event event{};
      std::memcpy(&event, buffer + offset, sizeof(event));
      const auto filter = filters_.find(event.wd);
      if (filter != filters_.end()) {
        // The name is NUL-padded to `len` bytes.
        const std::string name = event.len > 0 ? std::string(buffer + offset + sizeof(event)) : std::string();
        relevant = relevant || filter->second.empty() || filter->second.contains(name);
      }
      offset += sizeof(inotify_event) + event.len;
    }
  }
}

asio::awaitable<void> PathWatcher::read_loop() {
  const auto alive = alive_;
  while (*alive && stream_.is_open()) {
    auto [ec] = co_await stream_.async_wait(asio::posix::stream_descriptor::wait_read, net::use_nothrow);
    if (ec || !*alive) {
      co_return;
    }
    const bool relevant = read_pending_events();
    if (relevant && !pending_) {
      // nix-env and switch-to-configuration replace links in several steps; wait until quiet.
      pending_ = true;
      settle_timer_.expires_after(settle_);
      settle_timer_.async_wait([this, alive](const net::error_code& wait_error) {
        if (!*alive) return;
        pending_ = false;
        if (!wait_error) {
          on_change_();
        }
      });
    }
  }
}

}  // namespace nixtray::agent
