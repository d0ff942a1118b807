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
  net::error_code ignored;
  stream_.close(ignored);
}

bool PathWatcher::watch_directory(const std::filesystem::path& directory, std::set<std::string> only_names) {
  if (fd_ < 0) {
    return false;
  }
  const int wd = ::inotify_add_watch(fd_, directory.c_str(),
                                     IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB |
                                         IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
  if (wd < 0) {
    log_warning("cannot watch " + directory.string() + ": " + std::strerror(errno));
    return false;
  }
  filters_[wd] = std::move(only_names);
  return true;
}

void PathWatcher::start() {
  if (fd_ >= 0) {
    asio::co_spawn(stream_.get_executor(), read_loop(), asio::detached);
  }
}

asio::awaitable<void> PathWatcher::read_loop() {
  alignas(inotify_event) char buffer[16 * 1024];
  while (stream_.is_open()) {
    auto [ec] = co_await stream_.async_wait(asio::posix::stream_descriptor::wait_read, net::use_nothrow);
    if (ec) {
      co_return;
    }
    bool relevant = false;
    for (;;) {
      const auto n = ::read(fd_, buffer, sizeof(buffer));
      if (n <= 0) {
        break;
      }
      for (char* p = buffer; p < buffer + n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(p);
        const auto filter = filters_.find(event->wd);
        if (filter != filters_.end()) {
          const std::string name = event->len > 0 ? std::string(event->name) : std::string();
          relevant = relevant || filter->second.empty() || filter->second.contains(name);
        }
        p += sizeof(inotify_event) + event->len;
      }
    }
    if (relevant && !pending_) {
      // nix-env and switch-to-configuration replace links in several steps; wait until quiet.
      pending_ = true;
      settle_timer_.expires_after(settle_);
      settle_timer_.async_wait([this](const net::error_code& wait_error) {
        pending_ = false;
        if (!wait_error) {
          on_change_();
        }
      });
    }
  }
}

}  // namespace nixtray::agent
