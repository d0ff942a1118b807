#include "nix/store_disk_usage.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace nixtray::agent {

namespace {

constexpr int max_depth = 256;

struct Walk {
  bool store_optimised = false;  // <store>/.links exists: hard links there are not store paths

  // Blocks of one entry, a hard-linked file's shared among the store paths that link it.
  std::int64_t share(const struct stat& st) const {
    const std::int64_t bytes = static_cast<std::int64_t>(st.st_blocks) * 512;
    if (S_ISDIR(st.st_mode) || st.st_nlink <= 1) return bytes;
    const auto holders = static_cast<std::int64_t>(st.st_nlink) - (store_optimised && S_ISREG(st.st_mode) ? 1 : 0);
    return holders <= 1 ? bytes : bytes / holders;
  }

  std::int64_t directory(int dir_fd, int depth) const {
    std::int64_t total = 0;
    DIR* dir = ::fdopendir(dir_fd);
    if (dir == nullptr) {
      ::close(dir_fd);
      return 0;
    }
    while (const auto* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      struct stat st {};
      if (::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      total += share(st);
      if (S_ISDIR(st.st_mode) && depth < max_depth) {
        const int child = ::openat(::dirfd(dir), entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child >= 0) total += directory(child, depth + 1);
      }
    }
    ::closedir(dir);
    return total;
  }
};

}  // namespace

std::int64_t StoreDiskUsage::walk(const std::filesystem::path& path) {
  Walk walk;
  struct stat links {};
  walk.store_optimised = ::lstat((store_dir_ / ".links").c_str(), &links) == 0 && S_ISDIR(links.st_mode);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return 0;
  std::int64_t total = walk.share(st);
  if (S_ISDIR(st.st_mode)) {
    const int dir = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir >= 0) total += walk.directory(dir, 1);
  }
  return total;
}

std::int64_t StoreDiskUsage::registered(std::int64_t id, const std::filesystem::path& path) {
  if (const auto it = cache_.find(id); it != cache_.end()) return it->second;
  const auto bytes = walk(path);
  cache_.emplace(id, bytes);
  return bytes;
}

std::int64_t StoreDiskUsage::unregistered(const std::filesystem::path& path) { return walk(path); }

}  // namespace nixtray::agent
