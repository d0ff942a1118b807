// The space report, kept current without stalling the agent: each look at the store
// (survey_space) runs on a worker thread, one at a time; the report is pushed on the `space`
// topic when it changed. The agent looks again at once when the generations change or a job
// ends, within a minute when the store directory or the roots change (a running build adds
// paths all the time), and polls the file system's free space every minute (cheap), pushing it
// when it moved noticeably.
#pragma once

#include "nix/nix_store_location.hpp"
#include "nix/store_disk_usage.hpp"
#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/space.hpp"
#include "space/space_accounting.hpp"
#include "state/path_watcher.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace nixtray::agent {

struct SpaceMonitorOptions {
  std::chrono::milliseconds store_settle{std::chrono::seconds(60)};  // a changed store is looked at again after this
  std::chrono::milliseconds free_space_poll{std::chrono::seconds(60)};
};

class SpaceMonitor {
 public:
  using Publisher = std::function<void(const protocol::SpaceReport&)>;
  // Who keeps what right now (the generations and their marks): asked on the loop before each look.
  using SubjectsSource = std::function<SpaceSubjects()>;

  SpaceMonitor(net::asio::io_context& io, NixStoreLocation store, SubjectsSource subjects, Publisher publish,
               SpaceMonitorOptions options = {});
  ~SpaceMonitor();
  SpaceMonitor(const SpaceMonitor&) = delete;
  SpaceMonitor& operator=(const SpaceMonitor&) = delete;

  // The first look, the store's watch and the free-space poll.
  void start();
  // Who keeps what changed (generations, a job ended): look again now.
  void look_again();
  // The last report; with `refresh`, or before the first look ended, the next look's. Throws
  // RpcException(internal_error) when that look failed (Nix's database cannot be read).
  net::asio::awaitable<protocol::SpaceReport> report(bool refresh);

 private:
  void begin_look();
  void look_done(std::uint64_t look, std::optional<protocol::SpaceReport> report, std::string problem);
  void look_soon();
  void poll_free_space();

  net::asio::io_context& io_;
  NixStoreLocation store_;
  SubjectsSource subjects_;
  Publisher publish_;
  SpaceMonitorOptions options_;
  StoreDiskUsage usage_cache_;  // the worker's alone (one look at a time)
  PathWatcher watcher_;
  net::asio::steady_timer soon_timer_;
  net::asio::steady_timer poll_timer_;
  net::asio::steady_timer looked_;  // never expires: waiters wake when a look ends (expires_at cancels them)
  bool looking_ = false;
  bool again_ = false;
  bool soon_pending_ = false;
  std::uint64_t started_ = 0;   // looks begun
  std::uint64_t finished_ = 0;  // the last look that ended
  std::string problem_;         // why the last look failed ("" when it did not)
  std::optional<protocol::SpaceReport> last_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // Last member: stopped and joined first, while what its task uses still exists.
  net::asio::thread_pool worker_{1};
};

}  // namespace nixtray::agent
