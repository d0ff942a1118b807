#include "jobs/flake_checkout.hpp"

#include <sys/stat.h>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

bool owned_by_other(const fs::path& path, unsigned uid) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && info.st_uid != uid;
}

}  // namespace

std::optional<fs::path> local_flake_directory(const std::string& flake) {
  auto reference = flake.substr(0, flake.find('#'));
  reference = reference.substr(0, reference.find('?'));
  for (const std::string prefix : {"git+file://", "git+file:", "path:"}) {
    if (reference.starts_with(prefix)) {
      reference.erase(0, prefix.size());
      break;
    }
  }
  if (reference.empty() || reference.front() != '/') return std::nullopt;
  return fs::path(reference);
}

std::optional<fs::path> foreign_git_checkout(const std::string& flake, unsigned uid) {
  // Nix reads a path: flake as a plain directory, never through git.
  if (flake.starts_with("path:")) return std::nullopt;
  const auto directory = local_flake_directory(flake);
  if (!directory) return std::nullopt;
  std::error_code ec;
  auto at = fs::weakly_canonical(*directory, ec);
  if (ec) return std::nullopt;
  for (;;) {
    if (fs::exists(at / ".git", ec)) {
      if (owned_by_other(at, uid) || owned_by_other(at / ".git", uid)) return at;
      return std::nullopt;
    }
    if (at == at.root_path() || !at.has_parent_path()) return std::nullopt;
    at = at.parent_path();
  }
}

std::vector<std::string> safe_directory_environment(const fs::path& top) {
  return {"GIT_CONFIG_COUNT=2", "GIT_CONFIG_KEY_0=safe.directory", "GIT_CONFIG_VALUE_0=" + top.string(),
          "GIT_CONFIG_KEY_1=safe.directory", "GIT_CONFIG_VALUE_1=" + (top / ".git").string()};
}

}  // namespace nixtray::agent
