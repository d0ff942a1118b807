// Closure sizes and closure diffs, computed on a worker thread so that reading Nix's database
// (milliseconds to seconds on a big store) never stalls the agent's event loop. The worker owns
// the only NixDatabase connection, opened on first use and reopened after a failure.
#pragma once

#include "nix/closure_lookup.hpp"
#include "nix/nix_database.hpp"
#include "nix/nix_store_location.hpp"
#include "nixtray/net/asio.hpp"
#include "nixtray/protocol/generations.hpp"

#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

namespace nixtray::agent {

class ClosureQueries {
 public:
  // Results of closure_sizes are delivered on `loop` (the agent's event loop).
  ClosureQueries(NixStoreLocation location, net::asio::any_io_executor loop);
  ~ClosureQueries();
  ClosureQueries(const ClosureQueries&) = delete;
  ClosureQueries& operator=(const ClosureQueries&) = delete;

  [[nodiscard]] const NixStoreLocation& location() const { return location_; }

  // Closure size of each path, computed in the background a few paths at a time (so diffs asked
  // meanwhile are not held up); `done` runs on the loop, once, with all of them.
  void closure_sizes(std::vector<std::filesystem::path> store_paths, std::function<void(ClosureSizes)> done);

  // Reads both closures and diffs them on the worker; resumes the caller on its own executor.
  net::asio::awaitable<ClosureComparison> compare(std::filesystem::path from, std::filesystem::path to);

 private:
  // One closure_sizes request while the worker goes through it.
  struct SizeBatch {
    std::vector<std::filesystem::path> pending;
    std::size_t next = 0;
    ClosureSizes sizes;
    std::function<void(ClosureSizes)> done;
  };
  // Worker thread only.
  void continue_sizes(const std::shared_ptr<SizeBatch>& batch);
  std::variant<std::filesystem::path, ClosureLookupError> existing_store_path(const std::filesystem::path& path);
  std::variant<StoreClosure, ClosureLookupError> closure_of(const std::filesystem::path& path);
  ClosureSizeResult closure_size_of(const std::filesystem::path& path);
  NixDatabase& database();

  NixStoreLocation location_;
  net::asio::any_io_executor loop_;
  std::optional<NixDatabase> database_;  // worker thread only
  // Last member: destroyed (stopped and joined) first, while what its tasks use still exists.
  net::asio::thread_pool worker_{1};
};

}  // namespace nixtray::agent
