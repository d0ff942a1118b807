// NixDatabase against a real (relocated) Nix store: closures and sizes as Nix reports them, read
// without writing, next to Nix writing the same database.
#include "catch.hpp"
#include "generation_test_store.hpp"

#include "nix/nix_database.hpp"

#include <sqlite3.h>

#include <fstream>
#include <sstream>

using namespace nixtray::testing;
using nixtray::agent::NixDatabase;
using nixtray::agent::NixDatabaseError;
namespace fs = std::filesystem;

namespace {

fs::path database_of(const NixStore& store) { return store.state_dir() / "db" / "db.sqlite"; }

std::string file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

TEST_CASE("closures and closure sizes match nix-store --requisites and nix path-info -S") {
  GenerationTestStore f;
  NixDatabase database(database_of(f.store));
  for (const auto& path : f.paths) {
    INFO(path);
    const auto closure = database.closure(path.string());
    REQUIRE(closure);
    std::set<std::string> ours;
    for (const auto& entry : closure->paths) ours.insert(entry.path);
    CHECK(ours == f.nix_requisites(path));
    CHECK(closure->total_size() == f.nix_closure_size(path));
    CHECK(database.closure_size(path.string()) == f.nix_closure_size(path));
    CHECK(database.is_registered(path.string()));
  }
  const auto nar = f.store.nix({"nix-store", "-q", "--size", f.paths[0].string()});
  REQUIRE(nar.ok());
  CHECK(database.nar_size(f.paths[0].string()) == std::stoll(nar.out));
}

TEST_CASE("paths Nix does not know are not registered, and have no closure") {
  GenerationTestStore f;
  NixDatabase database(database_of(f.store));
  const auto unknown = (f.store.store_dir() / "00000000000000000000000000000000-nothing").string();
  CHECK_FALSE(database.is_registered(unknown));
  CHECK_FALSE(database.closure(unknown));
  CHECK_FALSE(database.closure_size(unknown));
  CHECK_FALSE(database.closure(""));
}

TEST_CASE("reading never changes the database, and Nix keeps writing while it is open") {
  GenerationTestStore f;
  const auto before = file_bytes(database_of(f.store));
  {
    NixDatabase database(database_of(f.store));
    REQUIRE(database.closure_size(f.paths[1].string()));
    CHECK(file_bytes(database_of(f.store)) == before);
    // Nix builds and registers new paths while our connection is open.
    nixtray::testing::SystemSpec spec;
    spec.label = "25.05.20250101.ddddddd (Warbler)";
    spec.packages = {{"hello", "2.12.3", 4096}};
    const auto added = f.store.build_system(spec);
    f.store.add_generation(added);
    CHECK(database.closure_size(added.string()) == f.nix_closure_size(added));
  }
}

TEST_CASE("a missing or broken database is a clear error, not a crash") {
  TempDir dir("nxdb");
  const auto missing = dir / "db" / "db.sqlite";
  try {
    NixDatabase database(missing);
    FAIL("opened a database that does not exist");
  } catch (const NixDatabaseError& e) {
    CHECK(std::string(e.what()).find(missing.string()) != std::string::npos);
    CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(missing));  // not created

  const auto garbage = dir / "garbage.sqlite";
  std::ofstream(garbage) << "this is not an SQLite database, just text that is long enough to have a header";
  try {
    NixDatabase database(garbage);
    (void)database.closure_size("/nix/store/x");
    FAIL("read a garbage database");
  } catch (const NixDatabaseError& e) {
    CHECK(std::string(e.what()).find(garbage.string()) != std::string::npos);
  }

  // An SQLite file without Nix's tables.
  const auto empty = dir / "empty.sqlite";
  sqlite3* handle = nullptr;
  REQUIRE(sqlite3_open(empty.c_str(), &handle) == SQLITE_OK);
  REQUIRE(sqlite3_exec(handle, "CREATE TABLE Other(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(handle);
  try {
    NixDatabase database(empty);
    FAIL("read a database without ValidPaths");
  } catch (const NixDatabaseError& e) {
    CHECK(std::string(e.what()).find("ValidPaths") != std::string::npos);
  }
}
