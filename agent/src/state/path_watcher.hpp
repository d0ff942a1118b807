// Calls back when entries appear, vanish or are replaced in watched directories (inotify driven
// by the Asio loop: no polling). Bursts are coalesced: one callback after things settle briefly.
#pragma once

#include "nixtray/net/asio.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace nixtray::agent {

class PathWatcher {
 public:
  PathWatcher(net::asio::io_context& io, std::function<void()> on_change,
              std::chrono::milliseconds settle = std::chrono::milliseconds(50));
  ~PathWatcher();
  PathWatcher(const PathWatcher&) = delete;
  PathWatcher& operator=(const PathWatcher&) = delete;

  // Watches a directory for entries that appear, vanish or are replaced (and, with
  // `modifications`, for writes to its files), for any entry or only the given names.
  // Returns false (and the caller falls back to re-reading on request) when it cannot.
  bool watch_directory(const std::filesystem::path& directory, std::set<std::string> only_names = {},
                       bool modifications = false);
  void start();

 private:
  net::asio::awaitable<void> read_loop();
  bool read_pending_events();  // true when an event concerns a watched name

  int fd_ = -1;
  net::asio::posix::stream_descriptor stream_;
  net::asio::steady_timer settle_timer_;
  std::chrono::milliseconds settle_;
  std::function<void()> on_change_;
  std::map<int, std::set<std::string>> filters_;  // watch descriptor -> names (empty: all)
  bool pending_ = false;
  // Handlers may run after destruction (with operation_aborted); they check this first.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace nixtray::agent
