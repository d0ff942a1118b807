// Where the agent looks for Nix's store and database: Nix's environment variables, and store
// paths spelled the way the database records them.
#include "catch.hpp"

#include "nix/nix_store_location.hpp"
#include "nixtray/testing/scoped_environment.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <cstdlib>
#include <optional>
#include <string>

using nixtray::agent::NixStoreLocation;
using nixtray::testing::ScopedEnvironment;
using nixtray::testing::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string hash = "0a1b2c3d4e5f6g7h8i9j0k1l2m3n4p5q";

}  // namespace

TEST_CASE("Nix's defaults apply when its variables are unset or empty") {
  ScopedEnvironment store("NIX_STORE_DIR", std::nullopt);
  ScopedEnvironment old_store("NIX_STORE", std::nullopt);
  ScopedEnvironment state("NIX_STATE_DIR", "");
  const auto location = NixStoreLocation::from_environment();
  CHECK(location.store_dir == "/nix/store");
  CHECK(location.database() == "/nix/var/nix/db/db.sqlite");
}

TEST_CASE("NIX_STORE_DIR (or NIX_STORE) and NIX_STATE_DIR relocate the store and the database") {
  ScopedEnvironment store("NIX_STORE_DIR", "/srv/nix/store/");
  ScopedEnvironment state("NIX_STATE_DIR", "/srv/nix/var");
  auto location = NixStoreLocation::from_environment();
  CHECK(location.store_dir == "/srv/nix/store");  // trailing slash dropped, as Nix does
  CHECK(location.database() == "/srv/nix/var/db/db.sqlite");
  {
    ScopedEnvironment unset_new("NIX_STORE_DIR", std::nullopt);
    ScopedEnvironment old_spelling("NIX_STORE", "/old/store");
    CHECK(NixStoreLocation::from_environment().store_dir == "/old/store");
  }
}

TEST_CASE("store paths are recognised inside the store directory only, as the top-level path") {
  NixStoreLocation location;
  const auto path = "/nix/store/" + hash + "-hello-1";
  CHECK(location.store_path_of(path) == fs::path(path));
  CHECK(location.store_path_of(path + "/bin/hello") == fs::path(path));
  CHECK(location.store_path_of("/nix/store/./" + hash + "-hello-1") == fs::path(path));
  CHECK_FALSE(location.store_path_of("/nix/store"));
  CHECK_FALSE(location.store_path_of("/nix/store/"));
  CHECK_FALSE(location.store_path_of("/nix/storefoo/x"));
  CHECK_FALSE(location.store_path_of("/tmp/systems/system-1"));
  CHECK_FALSE(location.store_path_of("relative/path"));
}

TEST_CASE("a store directory reached through a symlink: resolved paths map back to its spelling") {
  TempDir root("nxl");
  fs::create_directories(root / "real" / "store");
  fs::create_directory_symlink(root / "real", root / "link");
  NixStoreLocation location;
  location.store_dir = root / "link" / "store";  // as NIX_STORE_DIR says it, and the database records it
  const auto resolved = root / "real" / "store" / (hash + "-hello-1");  // what canonical() gives for a profile link
  CHECK(location.store_path_of(resolved) == location.store_dir / (hash + "-hello-1"));
}
