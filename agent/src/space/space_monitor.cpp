#include "space/space_monitor.hpp"

#include "nix/nix_database.hpp"
#include "space/space_survey.hpp"
#include "support/logger.hpp"

#include <cstdlib>

namespace nixtray::agent {

namespace asio = net::asio;

namespace {

// Free space is pushed again when it moved by this much since the last report.
std::int64_t noticeable_change(std::int64_t total_bytes) {
  constexpr std::int64_t at_most = std::int64_t{256} * 1024 * 1024;
  return std::max<std::int64_t>(1, std::min(at_most, total_bytes / 100));
}

protocol::json without_time(const protocol::SpaceReport& report) {
  auto value = protocol::json(report);
  value.erase("computed");
  return value;
}

}  // namespace

SpaceMonitor::SpaceMonitor(asio::io_context& io, NixStoreLocation store, SubjectsSource subjects, Publisher publish,
                           SpaceMonitorOptions options)
    : io_(io),
      store_(std::move(store)),
      subjects_(std::move(subjects)),
      publish_(std::move(publish)),
      options_(options),
      usage_cache_(store_.store_dir),
      watcher_(
          io, [this] { look_soon(); }, std::chrono::seconds(1)),
      soon_timer_(io),
      poll_timer_(io),
      looked_(io, asio::steady_timer::time_point::max()) {}

SpaceMonitor::~SpaceMonitor() {
  *alive_ = false;
  worker_.stop();
  worker_.join();
}

void SpaceMonitor::start() {
  // Paths come and go in the store; links come and go where roots are registered.
  // (Those that do not exist yet are not watched: a store without them has no roots there.)
  std::error_code ec;
  if (std::filesystem::is_directory(store_.store_dir, ec)) watcher_.watch_directory(store_.store_dir);
  for (const auto* dir : {"gcroots", "gcroots/auto", "profiles"}) {
    if (std::filesystem::is_directory(store_.state_dir / dir, ec)) watcher_.watch_directory(store_.state_dir / dir);
  }
  watcher_.start();
  begin_look();
  poll_free_space();
}

void SpaceMonitor::look_again() {
  if (looking_) {
    again_ = true;
  } else {
    begin_look();
  }
}

void SpaceMonitor::look_soon() {
  if (soon_pending_) return;
  soon_pending_ = true;
  soon_timer_.expires_after(options_.store_settle);
  soon_timer_.async_wait([this, alive = alive_](const net::error_code& ec) {
    if (ec || !*alive) return;
    soon_pending_ = false;
    look_again();
  });
}

void SpaceMonitor::begin_look() {
  looking_ = true;
  again_ = false;
  const auto look = ++started_;
  auto subjects = subjects_();
  asio::post(worker_, [this, look, subjects = std::move(subjects), alive = alive_] {
    std::optional<protocol::SpaceReport> report;
    std::string problem;
    try {
      report = survey_space(store_, subjects, usage_cache_);
    } catch (const std::exception& e) {
      problem = e.what();
    }
    asio::post(io_, [this, look, report = std::move(report), problem = std::move(problem), alive]() mutable {
      if (*alive) look_done(look, std::move(report), std::move(problem));
    });
  });
}

void SpaceMonitor::look_done(std::uint64_t look, std::optional<protocol::SpaceReport> report, std::string problem) {
  looking_ = false;
  finished_ = look;
  if (!problem.empty() && problem != problem_) log_warning("cannot tell how the Nix store's space is used: " + problem);
  problem_ = std::move(problem);
  if (report) {
    const bool changed = !last_ || without_time(*last_) != without_time(*report);
    last_ = std::move(report);
    if (changed) publish_(*last_);
  }
  looked_.expires_at(asio::steady_timer::time_point::max());  // wakes the waiters of report()
  if (again_) begin_look();
}

void SpaceMonitor::poll_free_space() {
  poll_timer_.expires_after(options_.free_space_poll);
  poll_timer_.async_wait([this, alive = alive_](const net::error_code& ec) {
    if (ec || !*alive) return;
    if (last_) {
      const auto [free, total] = filesystem_space(store_.store_dir);
      if (std::llabs(free - last_->free_bytes) >= noticeable_change(total)) {
        last_->free_bytes = free;
        last_->total_bytes = total;
        publish_(*last_);
      }
    }
    poll_free_space();
  });
}

asio::awaitable<protocol::SpaceReport> SpaceMonitor::report(bool refresh) {
  if (!refresh && last_) co_return *last_;
  std::uint64_t wanted = 0;
  if (!looking_) {
    begin_look();
    wanted = started_;
  } else if (refresh) {
    again_ = true;  // the look under way may have begun before what the caller wants to see
    wanted = started_ + 1;
  } else {
    wanted = started_;
  }
  while (finished_ < wanted) {
    co_await looked_.async_wait(net::use_nothrow);
  }
  if (!problem_.empty() && finished_ == wanted) {
    throw protocol::RpcException(protocol::ErrorCode::internal_error,
                                 "cannot tell how the Nix store's space is used: " + problem_);
  }
  if (!last_)
    throw protocol::RpcException(protocol::ErrorCode::internal_error, "no look at the Nix store succeeded yet");
  co_return *last_;
}

}  // namespace nixtray::agent
