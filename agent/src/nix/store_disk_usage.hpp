// How much disk a store path uses, as du counts it: the allocated blocks of every file,
// directory and link in it. A file hard-linked into several store paths (Nix's store
// optimisation keeps one copy under <store>/.links) is shared among the paths holding it, so
// the paths' usages add up to what the disk holds. Store paths never change once registered:
// their usage is cached by database id and only new paths are walked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <unordered_map>

namespace nixtray::agent {

class StoreDiskUsage {
 public:
  explicit StoreDiskUsage(std::filesystem::path store_dir) : store_dir_(std::move(store_dir)) {}

  // A registered store path's usage (cached under `id`); 0 when it cannot be read.
  std::int64_t registered(std::int64_t id, const std::filesystem::path& path);
  // Anything else in the store directory, walked every time.
  std::int64_t unregistered(const std::filesystem::path& path);
  // Forgets cached paths that are no longer registered; `still_registered(id)` decides.
  template <class Predicate>
  void forget_unless(Predicate&& still_registered) {
    std::erase_if(cache_, [&](const auto& entry) { return !still_registered(entry.first); });
  }

 private:
  std::int64_t walk(const std::filesystem::path& path);

  std::filesystem::path store_dir_;
  std::unordered_map<std::int64_t, std::int64_t> cache_;
};

}  // namespace nixtray::agent
