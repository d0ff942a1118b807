#include "space/space_survey.hpp"

#include "nix/gc_roots.hpp"
#include "nix/nix_database.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <ctime>
#include <unordered_set>

namespace nixtray::agent {

namespace fs = std::filesystem;

std::pair<std::int64_t, std::int64_t> filesystem_space(const fs::path& directory) {
  struct statvfs disk {};
  if (::statvfs(directory.c_str(), &disk) != 0) return {0, 0};
  const auto block = static_cast<std::int64_t>(disk.f_frsize);
  return {static_cast<std::int64_t>(disk.f_bavail) * block, static_cast<std::int64_t>(disk.f_blocks) * block};
}

protocol::SpaceReport survey_space(const NixStoreLocation& store, const SpaceSubjects& subjects,
                                   StoreDiskUsage& usage_cache) {
  const auto started = std::time(nullptr);
  NixDatabase database(store.database());
  const auto graph = database.graph();
  // Every root holds its path from deletion; only registered ones keep a closure.
  auto roots = find_gc_roots(store);
  std::unordered_set<std::string> held;
  for (const auto& root : roots.roots) held.insert(root.store_path);
  std::erase_if(roots.roots, [&graph](const GcRoot& root) { return !graph.find(root.store_path); });
  std::vector<std::int64_t> usage(graph.size());
  std::unordered_set<std::int64_t> registered_ids;
  for (std::uint32_t i = 0; i < graph.size(); ++i) {
    usage[i] = usage_cache.registered(graph.id(i), graph.path(i));
    registered_ids.insert(graph.id(i));
  }
  usage_cache.forget_unless([&](std::int64_t id) { return registered_ids.contains(id); });

  // The rest of the store directory: leftovers the collector deletes (what is not registered and
  // no temporary root holds), and Nix's own files (the directory, .links).
  UnregisteredEntries unregistered;
  struct stat dir {};
  if (::lstat(store.store_dir.c_str(), &dir) == 0)
    unregistered.other_bytes += static_cast<std::int64_t>(dir.st_blocks) * 512;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(store.store_dir, ec)) {
    const auto path = (store.store_dir / entry.path().filename()).string();
    if (graph.find(path)) continue;
    if (entry.path().filename() == ".links") {
      struct stat links {};
      if (::lstat(entry.path().c_str(), &links) == 0) {
        unregistered.other_bytes += static_cast<std::int64_t>(links.st_blocks) * 512;
      }
      continue;
    }
    if (held.contains(path)) continue;
    unregistered.garbage_bytes += usage_cache.unregistered(entry.path());
    ++unregistered.garbage_count;
  }

  auto report = account_space(graph, usage, roots.roots, subjects, unregistered);
  report.store_dir = store.store_dir.string();
  std::tie(report.free_bytes, report.total_bytes) = filesystem_space(store.store_dir);
  report.computed = started;
  return report;
}

}  // namespace nixtray::agent
