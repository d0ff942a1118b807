#include "nixtray/testing/temp_dir.hpp"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "nixtray/testing/environment.hpp"

namespace nixtray::testing {

TempDir::TempDir(const std::string& prefix, const std::filesystem::path& base) {
  std::filesystem::path dir = base;
  if (dir.empty()) dir = getenv_or("TMPDIR", "/tmp");
  if (dir.empty()) dir = "/tmp";
  std::string templ = (dir / (prefix + "-XXXXXX")).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) throw std::system_error(errno, std::generic_category(), "mkdtemp " + templ);
  path_ = buf.data();
  keep_ = getenv_or("NIXTRAY_TEST_KEEP_TMP", "") == "1";
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)), keep_(other.keep_) { other.path_.clear(); }

TempDir::~TempDir() {
  if (path_.empty() || keep_) return;
  try {
    remove_tree(path_);
  } catch (...) {
    // A destructor must not throw; a leftover directory under $TMPDIR is the lesser evil.
  }
}

std::filesystem::path TempDir::fast_base() {
  if (const auto v = getenv_or("NIXTRAY_TEST_FAST_TMPDIR", ""); !v.empty()) return v;
  struct statfs fs_info {};
  if (::statfs("/dev/shm", &fs_info) == 0 && fs_info.f_type == TMPFS_MAGIC && ::access("/dev/shm", W_OK) == 0)
    return "/dev/shm";
  return {};
}

void TempDir::remove_tree(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(root, ec))) return;
  // Nix makes store directories read-only (r-xr-xr-x): entries in them cannot be unlinked until the
  // directory is writable again. Symlinks are never followed.
  if (fs::is_directory(fs::symlink_status(root, ec))) {
    ::chmod(root.c_str(), 0700);
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0700);
    }
  }
  fs::remove_all(root, ec);
  if (ec) throw std::system_error(ec, "remove " + root.string());
}

}  // namespace nixtray::testing
