#include "nix/nix_store_location.hpp"

#include <cstdlib>
#include <string>

namespace nixtray::agent {

namespace fs = std::filesystem;

namespace {

std::optional<fs::path> environment_path(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  // Nix drops trailing slashes; the database records paths without them.
  std::string text(value);
  while (text.size() > 1 && text.back() == '/') {
    text.pop_back();
  }
  return fs::path(text);
}

// The first component of `path` below `dir`, when `path` lies strictly inside `dir`.
std::optional<fs::path> first_component_below(const fs::path& dir, const fs::path& path) {
  auto dir_it = dir.begin();
  auto path_it = path.begin();
  for (; dir_it != dir.end(); ++dir_it, ++path_it) {
    if (dir_it->empty()) {
      continue;  // a trailing separator yields an empty last element
    }
    if (path_it == path.end() || *dir_it != *path_it) {
      return std::nullopt;
    }
  }
  if (path_it == path.end() || path_it->empty()) {
    return std::nullopt;
  }
  return *path_it;
}

}  // namespace

NixStoreLocation NixStoreLocation::from_environment() {
  NixStoreLocation location;
  // Nix reads NIX_STORE_DIR, and NIX_STORE as an older spelling of it.
  if (auto store = environment_path("NIX_STORE_DIR")) {
    location.store_dir = *store;
  } else if (auto old_store = environment_path("NIX_STORE")) {
    location.store_dir = *old_store;
  }
  if (auto state = environment_path("NIX_STATE_DIR")) {
    location.state_dir = *state;
  }
  return location;
}

std::optional<fs::path> NixStoreLocation::store_path_of(const fs::path& path) const {
  const auto lexical = path.lexically_normal();
  if (auto name = first_component_below(store_dir.lexically_normal(), lexical)) {
    return store_dir / *name;
  }
  std::error_code ec;
  const auto resolved_store = fs::canonical(store_dir, ec);
  if (!ec && resolved_store != store_dir) {
    if (auto name = first_component_below(resolved_store, lexical)) {
      return store_dir / *name;
    }
  }
  return std::nullopt;
}

}  // namespace nixtray::agent
