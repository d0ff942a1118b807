// Where Nix keeps its store and its database, as Nix itself decides it: NIX_STORE_DIR (default
// /nix/store) and NIX_STATE_DIR (default /nix/var/nix, database in db/db.sqlite).
#pragma once

#include <filesystem>
#include <optional>

namespace nixtray::agent {

struct NixStoreLocation {
  std::filesystem::path store_dir = "/nix/store";
  std::filesystem::path state_dir = "/nix/var/nix";

  // From this process's environment, with Nix's defaults for unset or empty variables.
  static NixStoreLocation from_environment();

  [[nodiscard]] std::filesystem::path database() const { return state_dir / "db" / "db.sqlite"; }

  // The top-level store path (<store>/<hash>-<name>) that `path` is or lies in, spelled the way the
  // database records it; nullopt when `path` is not inside the store. Accepts the store directory
  // both as configured and with its symlinks resolved (profile links are resolved that way).
  [[nodiscard]] std::optional<std::filesystem::path> store_path_of(const std::filesystem::path& path) const;
};

}  // namespace nixtray::agent
