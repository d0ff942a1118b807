// Portable (std::filesystem only): the tray's tests use it on Windows too, under Wine.
#include "nixtray/testing/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <system_error>

namespace nixtray::testing {

namespace fs = std::filesystem;

namespace {

std::string environment_variable(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string random_suffix() {
  static constexpr char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::random_device random;
  std::uniform_int_distribution<std::size_t> pick(0, sizeof letters - 2);
  std::string suffix(6, 'x');
  for (auto& c : suffix) c = letters[pick(random)];
  return suffix;
}

}  // namespace

TempDir::TempDir(const std::string& prefix, const fs::path& base) {
  const fs::path dir = base.empty() ? fs::temp_directory_path() : base;  // $TMPDIR, else /tmp
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = dir / (prefix + "-" + random_suffix());
    if (!fs::create_directory(candidate)) continue;  // taken: try another name
    // Like mkdtemp: only the owner may enter (tests that need more open it up themselves).
    fs::permissions(candidate, fs::perms::owner_all, fs::perm_options::replace);
    path_ = std::move(candidate);
    keep_ = environment_variable("NIXTRAY_TEST_KEEP_TMP") == "1";
    return;
  }
  throw std::runtime_error("cannot create a temporary directory in " + dir.string());
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

fs::path TempDir::fast_base() {
  if (const auto v = environment_variable("NIXTRAY_TEST_FAST_TMPDIR"); !v.empty()) return v;
  // /dev/shm is a tmpfs wherever it exists (Linux); elsewhere, or when it is not writable, the
  // default base.
  std::error_code ec;
  if (!fs::is_directory("/dev/shm", ec)) return {};
  const fs::path probe = fs::path("/dev/shm") / ("nixtray-probe-" + random_suffix());
  if (!std::ofstream(probe)) return {};
  fs::remove(probe, ec);
  return "/dev/shm";
}

void TempDir::remove_tree(const fs::path& root) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(root, ec))) return;
  // Nix makes store directories read-only (r-xr-xr-x): entries in them cannot be unlinked until the
  // directory is writable again. Symlinks are never followed.
  if (fs::is_directory(fs::symlink_status(root, ec))) {
    fs::permissions(root, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (it->is_directory(ec) && !it->is_symlink(ec))
        fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    }
  }
  fs::remove_all(root, ec);
  if (ec) throw std::system_error(ec, "remove " + root.string());
}

}  // namespace nixtray::testing
