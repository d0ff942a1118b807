#include "nixtray/testing/per_run_cgroups.hpp"

#include "nixtray/testing/text_file.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace nixtray::testing {
namespace fs = std::filesystem;
namespace {

struct CgroupMount {
  std::string fstype;             // "cgroup" or "cgroup2"
  std::set<std::string> options;  // super options (controllers, name=...)
  std::string root;               // root of the mount inside the hierarchy
  fs::path mount_point;
};

std::set<std::string> split_commas(const std::string& s) {
  std::set<std::string> out;
  std::istringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.insert(item);
  return out;
}

// mountinfo escapes blanks as \040 etc.
std::string unescape_mountinfo(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<CgroupMount> cgroup_mounts() {
  std::vector<CgroupMount> mounts;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string id, parent, devno, root, mount_point, opts, field;
    f >> id >> parent >> devno >> root >> mount_point >> opts;
    while (f >> field && field != "-") {
    }
    std::string fstype, source, super_opts;
    f >> fstype >> source >> super_opts;
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    mounts.push_back({fstype, split_commas(super_opts), unescape_mountinfo(root), unescape_mountinfo(mount_point)});
  }
  return mounts;
}

// The directories of this process's cgroups, one per mounted hierarchy.
std::vector<fs::path> own_cgroup_dirs() {
  const auto mounts = cgroup_mounts();
  std::vector<fs::path> dirs;
  std::ifstream in("/proc/self/cgroup");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());  // one read
  std::istringstream lines(content);
  for (std::string line; std::getline(lines, line);) {
    const auto c1 = line.find(':'), c2 = line.find(':', c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    const std::string controllers = line.substr(c1 + 1, c2 - c1 - 1);
    const std::string path = line.substr(c2 + 1);
    const CgroupMount* match = nullptr;
    for (const auto& m : mounts) {
      if (controllers.empty() ? m.fstype == "cgroup2" : m.fstype == "cgroup") {
        bool all = true;
        for (const auto& c : split_commas(controllers)) all = all && m.options.count(c) > 0;
        if (all && (path.rfind(m.root, 0) == 0)) {
          match = &m;
          break;
        }
      }
    }
    if (match == nullptr) continue;  // hierarchy not mounted here: nothing to isolate
    std::string rel = path.substr(match->root == "/" ? 0 : match->root.size());
    dirs.push_back(match->mount_point / fs::path(rel).relative_path());
  }
  return dirs;
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream f(file);
  f << text;
  f.flush();
  if (!f) throw std::runtime_error("cannot write " + file.string());
}

size_t count_procs(const fs::path& tree) {
  size_t count = 0;
  std::error_code ec;
  if (!fs::is_directory(tree, ec)) return 0;
  auto count_file = [&](const fs::path& dir) {
    std::istringstream in(read_text(dir / "cgroup.procs"));
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) ++count;
  };
  count_file(tree);
  for (auto it = fs::recursive_directory_iterator(tree, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_directory(ec)) count_file(it->path());
  return count;
}

// rmdir deepest first. Cgroup directories only ever contain other directories and virtual files.
bool rmdir_tree(const fs::path& tree) {
  std::error_code ec;
  if (!fs::exists(tree, ec)) return true;
  std::vector<fs::path> dirs;
  for (auto it = fs::recursive_directory_iterator(tree, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path());
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return std::distance(a.begin(), a.end()) > std::distance(b.begin(), b.end());
  });
  dirs.push_back(tree);
  bool all = true;
  for (const auto& d : dirs)
    if (::rmdir(d.c_str()) != 0 && errno != ENOENT) all = false;
  return all;
}

bool pid_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

bool PerRunCgroups::host_is_hybrid() {
  bool named_systemd = false, v2 = false;
  for (const auto& m : cgroup_mounts()) {
    named_systemd = named_systemd || (m.fstype == "cgroup" && m.options.count("name=systemd") > 0);
    v2 = v2 || m.fstype == "cgroup2";
  }
  return named_systemd && v2;
}

PerRunCgroups PerRunCgroups::create_for(pid_t launcher_pid) {
  PerRunCgroups cg;
  cg.pid_ = launcher_pid;
  const std::string name = kPrefix + std::to_string(launcher_pid);
  try {
    for (const auto& parent : own_cgroup_dirs()) {
      const auto dir = parent / name;
      fs::create_directory(dir);
      cg.dirs_.push_back(dir);
      // A new cpuset cgroup starts with empty cpus/mems and refuses tasks until they are set.
      if (fs::exists(dir / "cpuset.cpus")) {
        write_text(dir / "cpuset.cpus", read_text(parent / "cpuset.cpus"));
        write_text(dir / "cpuset.mems", read_text(parent / "cpuset.mems"));
      }
      write_text(dir / "cgroup.procs", std::to_string(launcher_pid));
    }
  } catch (...) {
    cg.remove(std::chrono::milliseconds(0));
    throw;
  }
  return cg;
}

size_t PerRunCgroups::process_count() const {
  size_t n = 0;
  for (const auto& d : dirs_) n += count_procs(d);
  return n;
}

bool PerRunCgroups::remove(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool all = true;
    for (const auto& d : dirs_) all = rmdir_tree(d) && all;
    if (all) {
      dirs_.clear();
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int PerRunCgroups::remove_stale() {
  int removed = 0;
  std::error_code ec;
  for (const auto& parent : own_cgroup_dirs()) {
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
      const std::string n = entry.path().filename().string();
      if (n.rfind(kPrefix, 0) != 0 || !entry.is_directory(ec)) continue;
      const std::string digits = n.substr(std::string(kPrefix).size());
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
      const pid_t pid = static_cast<pid_t>(std::stol(digits));
      if (pid_alive(pid) || count_procs(entry.path()) > 0) continue;
      if (rmdir_tree(entry.path())) ++removed;
    }
  }
  return removed;
}

}  // namespace nixtray::testing
