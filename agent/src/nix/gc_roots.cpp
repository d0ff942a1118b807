#include "nix/gc_roots.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string_view>
#include <system_error>
#include <unordered_set>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

// Bounds: a roots tree or a process with millions of entries must not stall the scan forever.
constexpr std::size_t max_entries_visited = 1'000'000;
constexpr int max_depth = 64;
constexpr std::size_t max_proc_file_bytes = 16 * 1024 * 1024;  // maps and environ, per process

std::optional<std::string> read_link(const fs::path& path) {
  std::error_code ec;
  auto target = fs::read_symlink(path, ec);
  if (ec) return std::nullopt;
  return target.string();
}

bool is_store_path_name_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' || c == '-' ||
         c == '.' || c == '_' || c == '?' || c == '=';
}

class RootFinder {
 public:
  explicit RootFinder(const NixStoreLocation& store) : store_(store) {}

  void scan_tree(const fs::path& path, int depth) {
    if (depth > max_depth || ++visited_ > max_entries_visited) return;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
      std::error_code ec;
      fs::directory_iterator entries(path, ec);
      if (ec) {
        if (ec != std::errc::no_such_file_or_directory) {
          result.problems.push_back("cannot read " + path.string() + ": " + ec.message());
        }
        return;
      }
      for (const auto& entry : entries) scan_tree(entry.path(), depth + 1);
    } else if (S_ISLNK(st.st_mode)) {
      const auto target = read_link(path);
      if (!target) return;
      if (auto store_path = in_store(*target)) {
        add(GcRoot::Source::link, path, std::move(*store_path), false);
        return;
      }
      // An indirect root: a link to a link into the store (gcroots/auto/<hash> -> ~/x/result).
      const auto outer = (path.parent_path() / *target).lexically_normal();
      struct stat outer_st {};
      if (::lstat(outer.c_str(), &outer_st) != 0 || !S_ISLNK(outer_st.st_mode)) return;
      const auto inner = read_link(outer);
      if (!inner) return;
      // A link the user made (a ./result) lies outside Nix's state directory; `system` ->
      // `system-42-link` inside a profile directory is the profile's own.
      const auto relative = outer.lexically_relative(store_.state_dir);
      const bool outside = relative.empty() || *relative.begin() == "..";
      if (auto store_path = in_store(*inner)) add(GcRoot::Source::link, outer, std::move(*store_path), outside);
    } else if (S_ISREG(st.st_mode)) {
      // A file named like a store path keeps that path.
      if (auto store_path = in_store((store_.store_dir / path.filename()).string())) {
        add(GcRoot::Source::link, path, std::move(*store_path), false);
      }
    }
  }

  void scan_processes() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
      const auto name = entry.path().filename().string();
      if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
      const auto dir = entry.path();
      for (const auto* link : {"exe", "cwd"}) link_root(dir / link);
      std::error_code fd_ec;
      for (const auto& fd : fs::directory_iterator(dir / "fd", fd_ec)) link_root(fd.path());
      for (const auto* file : {"maps", "environ"}) text_roots(dir / file);
    }
    for (const auto* file :
         {"/proc/sys/kernel/modprobe", "/proc/sys/kernel/fbsplash", "/proc/sys/kernel/poweroff_cmd"}) {
      text_roots(file);
    }
  }

  void scan_temporary_roots() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(store_.state_dir / "temproots", ec)) {
      // The file is named after the Nix process that holds the roots; a dead one's are stale.
      std::error_code alive_ec;
      if (!fs::exists(fs::path("/proc") / entry.path().filename(), alive_ec)) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string root;
      while (std::getline(in, root, '\0')) {
        if (auto store_path = in_store(root))
          add(GcRoot::Source::temporary, entry.path(), std::move(*store_path), false);
      }
    }
  }

  GcRootScan result;

 private:
  // The top-level store path that `text` names (a path inside one counts), if it is in the store.
  std::optional<std::string> in_store(const std::string& text) const {
    const auto prefix = store_.store_dir.string() + "/";
    if (!text.starts_with(prefix)) return std::nullopt;
    const auto end = text.find('/', prefix.size());
    const auto name = text.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
    if (name.empty() || name == "." || name == "..") return std::nullopt;
    return prefix + name;
  }

  void add(GcRoot::Source source, fs::path link, std::string store_path, bool indirect) {
    // The same link is met twice when a profile's `name` link points at `name-N-link`.
    if (!seen_.insert(link.string() + '\0' + store_path).second) return;
    result.roots.push_back(GcRoot{source, std::move(link), std::move(store_path), indirect});
  }

  void link_root(const fs::path& link) {
    if (const auto target = read_link(link)) {
      if (auto store_path = in_store(*target)) add(GcRoot::Source::runtime, link, std::move(*store_path), false);
    }
  }

  // Every "<store>/<name>" in a text (memory maps, environment), as Nix's runtime root finder
  // reads them.
  void text_roots(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return;
    std::string text;
    text.resize(max_proc_file_bytes);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    const auto prefix = store_.store_dir.string() + "/";
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
      auto end = at + prefix.size();
      while (end < text.size() && is_store_path_name_char(text[end])) ++end;
      if (end == at + prefix.size()) continue;
      add(GcRoot::Source::runtime, file, text.substr(at, end - at), false);
    }
  }

  const NixStoreLocation& store_;
  std::size_t visited_ = 0;
  std::unordered_set<std::string> seen_;
};

}  // namespace

GcRootScan find_gc_roots(const NixStoreLocation& store) {
  RootFinder finder(store);
  finder.scan_tree(store.state_dir / "gcroots", 0);
  finder.scan_tree(store.state_dir / "profiles", 0);
  finder.scan_processes();
  finder.scan_temporary_roots();
  return std::move(finder.result);
}

}  // namespace nixtray::agent
