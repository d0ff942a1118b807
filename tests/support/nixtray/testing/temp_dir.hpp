#pragma once
// A per-test temporary directory, removed recursively on destruction.
#include <filesystem>
#include <string>

namespace nixtray::testing {

class TempDir {
 public:
  // Creates <base>/<prefix>-XXXXXX; base defaults to $TMPDIR or /tmp. Keep paths short: Unix socket paths
  // must fit in 108 bytes.
  explicit TempDir(const std::string& prefix = "nixtray-test", const std::filesystem::path& base = {});
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& rel) const { return path_ / rel; }

  // Keep the directory (e.g. to inspect it after a failure); NIXTRAY_TEST_KEEP_TMP=1 does this for all.
  void keep() { keep_ = true; }

  // A base directory on tmpfs for file-heavy tests (big Nix stores): $NIXTRAY_TEST_FAST_TMPDIR if set, else
  // /dev/shm if it is a writable tmpfs, else the default base.
  static std::filesystem::path fast_base();

  // Removes a tree that may contain read-only directories (a Nix store): adds u+w to directories first.
  // Does not follow symlinks and does not cross into other mounts' content it cannot write.
  static void remove_tree(const std::filesystem::path& root);

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

}  // namespace nixtray::testing
