// How GenerationStore takes closure sizes looked up in the background: cached by store path,
// problems for paths the lookup found broken, nothing recorded when the database failed.
#include "catch.hpp"
#include "test_agent.hpp"

#include "state/generation_store.hpp"

using namespace nixtray::agent;
using nixtray::testing::make_plain_profile;
using nixtray::testing::TempDir;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  TempDir root{"nxc"};
  nixtray::testing::PlainProfile profile = make_plain_profile(root.path());
  KnownGoodStore known_good{root.path() / "state"};
  std::optional<GenerationStore> store;

  Fixture() {
    profile.add(1, "a");
    profile.add(2, "b");
    profile.add(3, "c");
    profile.set_default(3);
    profile.set_current(2);
    SystemPaths paths;
    paths.profile_dir = profile.profile_dir;
    paths.current_system = profile.current_link;
    paths.booted_system = profile.booted_link;
    paths.state_dir = root.path() / "state";
    store.emplace(paths, known_good);
    store->refresh();
  }

  fs::path path(int n) const { return fs::canonical(profile.system_path(n)); }
};

ClosureSizeResult size(std::int64_t bytes) { return {bytes, std::nullopt}; }
ClosureSizeResult failure(ClosureLookupError::Kind kind, std::string message) {
  return {std::nullopt, ClosureLookupError{kind, std::move(message)}};
}

}  // namespace

TEST_CASE("closure sizes start unknown and are asked for once per store path") {
  Fixture f;
  CHECK(f.store->paths_without_closure_size().size() == 3);
  CHECK_FALSE(f.store->find(1)->closure_size);
  CHECK(f.store->apply_closure_sizes({{f.path(1), size(100)}, {f.path(2), size(200)}}));
  CHECK(f.store->find(1)->closure_size == 100);
  CHECK(f.store->find(2)->closure_size == 200);
  CHECK(f.store->paths_without_closure_size() == std::vector<fs::path>{f.path(3)});
  CHECK_FALSE(f.store->apply_closure_sizes({{f.path(1), size(100)}}));  // nothing new

  // A refresh keeps what is known: store paths do not change.
  f.profile.add(4, "d");
  CHECK(f.store->refresh());
  CHECK(f.store->find(1)->closure_size == 100);
  CHECK(f.store->paths_without_closure_size().size() == 2);
}

TEST_CASE("a store path found unregistered or missing gives its generation a problem") {
  Fixture f;
  REQUIRE(f.store->triple().current == 2);
  CHECK(f.store->apply_closure_sizes(
      {{f.path(2), failure(ClosureLookupError::Kind::not_registered, "the store path X is not registered")},
       {f.path(1), failure(ClosureLookupError::Kind::missing, "the store path Y no longer exists")},
       {f.path(3), failure(ClosureLookupError::Kind::not_in_store, "not in the store")}}));
  CHECK(f.store->find(2)->problem == "the store path X is not registered");
  CHECK(f.store->find(1)->problem == "the store path Y no longer exists");
  CHECK_FALSE(f.store->find(3)->problem);  // outside the store: just no size
  CHECK_FALSE(f.store->find(3)->closure_size);
  CHECK_FALSE(f.store->triple().current);  // a broken generation is not what runs
  CHECK(f.store->paths_without_closure_size().empty());
  f.store->refresh();
  CHECK(f.store->find(2)->problem == "the store path X is not registered");  // remembered
}

TEST_CASE("a database failure records nothing, so the sizes are asked for again") {
  Fixture f;
  CHECK_FALSE(f.store->apply_closure_sizes(
      {{f.path(1), failure(ClosureLookupError::Kind::database, "cannot open the Nix database")},
       {f.path(2), failure(ClosureLookupError::Kind::database, "cannot open the Nix database")}}));
  CHECK_FALSE(f.store->find(1)->problem);
  CHECK(f.store->paths_without_closure_size().size() == 3);
}

TEST_CASE("sizes of generations deleted meanwhile are ignored") {
  Fixture f;
  const auto gone = f.path(1);
  fs::remove(f.profile.profile_dir / "system-1-link");
  f.store->refresh();
  CHECK_FALSE(f.store->apply_closure_sizes({{gone, size(5)}}));
  CHECK(f.store->find(1) == nullptr);
}
