// Reading generations from a profile directory, including the broken ones a real system can have.
#include "catch.hpp"
#include "test_agent.hpp"

#include "state/generation_store.hpp"
#include "state/profile_scan.hpp"

#include <sys/stat.h>

#include <fstream>

using namespace nixtray::agent;
using nixtray::testing::make_plain_profile;
using nixtray::testing::TempDir;
namespace fs = std::filesystem;

namespace {

struct Fixture {
  TempDir root{"nxg"};
  nixtray::testing::PlainProfile profile = make_plain_profile(root.path());
  KnownGoodStore known_good{root.path() / "state"};

  GenerationStore store() {
    SystemPaths paths;
    paths.profile_dir = profile.profile_dir;
    paths.current_system = profile.current_link;
    paths.booted_system = profile.booted_link;
    paths.state_dir = root.path() / "state";
    return GenerationStore(paths, known_good);
  }
};

}  // namespace

TEST_CASE("generation numbers are read from link names only") {
  CHECK(generation_number_of("system-42-link") == 42);
  CHECK_FALSE(generation_number_of("system-link"));
  CHECK_FALSE(generation_number_of("system-4x-link"));
  CHECK_FALSE(generation_number_of("system-0-link"));
  CHECK_FALSE(generation_number_of("system-42-link.tmp"));
  CHECK_FALSE(generation_number_of("user-3-link"));
}

TEST_CASE("marks follow the profile, current and booted links") {
  Fixture f;
  f.profile.add(1, "24.05 (Uakari)");
  f.profile.add(2, "24.11 (Vicuna)");
  f.profile.set_default(2);
  f.profile.set_current(2);
  f.profile.set_booted(1);
  auto store = f.store();
  CHECK(store.refresh());
  const auto& list = store.list().generations;
  REQUIRE(list.size() == 2);
  CHECK(list[0].number == 2);
  CHECK(list[0].is_default);
  CHECK(list[0].current);
  CHECK_FALSE(list[0].booted);
  CHECK(list[1].booted);
  CHECK(list[1].known_good);  // the first booted generation seen
  CHECK(store.triple().known_good == 1);
  CHECK(store.current_version() == "24.11 (Vicuna)");
  CHECK_FALSE(store.refresh());  // nothing changed
}

TEST_CASE("a dangling generation link is listed with a problem, not hidden") {
  Fixture f;
  f.profile.add(1, "24.05 (Uakari)");
  f.profile.add(2, "24.11 (Vicuna)");
  fs::remove_all(f.profile.system_path(1));
  auto store = f.store();
  store.refresh();
  const auto* broken = store.find(1);
  REQUIRE(broken);
  REQUIRE(broken->problem);
  CHECK(broken->problem->find("missing") != std::string::npos);
  CHECK_FALSE(broken->nixos_version);
  CHECK_FALSE(store.find(2)->problem);
}

TEST_CASE("a garbage nixos-version file gives no label, not garbage") {
  Fixture f;
  f.profile.add(1, "ok");
  std::ofstream(f.profile.system_path(1) / "nixos-version", std::ios::binary) << "\x01\x02\xFF\xFE binary";
  f.profile.add(2, std::string(10000, 'x'));
  auto store = f.store();
  store.refresh();
  CHECK_FALSE(store.find(1)->nixos_version);
  CHECK_FALSE(store.find(2)->nixos_version);
  CHECK_FALSE(store.find(1)->problem);
}

TEST_CASE("an unreadable or missing profile directory is a problem, not a crash") {
  Fixture f;
  fs::remove_all(f.profile.profile_dir);
  auto store = f.store();
  store.refresh();
  REQUIRE(store.problem());
  CHECK(store.problem()->find(f.profile.profile_dir.string()) != std::string::npos);
  CHECK(store.list().generations.empty());
}

TEST_CASE("marking a generation known-good overrides the first-boot default and survives a reload") {
  Fixture f;
  f.profile.add(1, "a");
  f.profile.add(2, "b");
  f.profile.set_booted(1);
  {
    auto store = f.store();
    store.refresh();
    CHECK(store.triple().known_good == 1);
    f.known_good.mark(2, store.find(2)->path);
    store.refresh();
    CHECK(store.triple().known_good == 2);
  }
  KnownGoodStore reloaded(f.root.path() / "state");
  CHECK(reloaded.recorded()->number == 2);
  CHECK(reloaded.recorded()->store_path == fs::canonical(f.profile.system_path(2)));
  // A corrupt record is ignored, never fatal.
  std::ofstream(f.root.path() / "state" / "known-good.json") << "{not json";
  CHECK(reloaded.recorded()->number == 1);
}

TEST_CASE("a known-good number that now names another system is no known-good generation") {
  Fixture f;
  f.profile.add(1, "a");
  f.profile.add(2, "b");
  f.profile.set_booted(1);
  auto store = f.store();
  store.refresh();
  f.known_good.mark(2, store.find(2)->path);
  store.refresh();
  REQUIRE(store.triple().known_good == 2);
  // Generation 2 deleted, and the next system built takes the number again (as nix-env numbers a
  // new generation: one more than the highest left). The link is written the way Nix writes it.
  fs::remove(f.profile.profile_dir / "system-2-link");
  const auto other = f.root.path() / "store" / "another-system";
  fs::create_directories(other);
  fs::create_symlink(other, f.profile.profile_dir / "system-2-link");
  store.refresh();
  CHECK_FALSE(store.triple().known_good);
  CHECK_FALSE(store.find(2)->known_good);
  CHECK_FALSE(store.find(1)->known_good);  // not the first-boot one either: the mark stands, unmatched
}

TEST_CASE("a number-only known-good record of an older agent is pinned to the store path it names now") {
  Fixture f;
  f.profile.add(1, "a");
  f.profile.add(2, "b");
  fs::create_directories(f.root.path() / "state");
  std::ofstream(f.root.path() / "state" / "known-good.json") << R"({"number":2,"recorded":1700000000})"
                                                             << "\n";
  auto store = f.store();
  store.refresh();
  CHECK(store.triple().known_good == 2);
  const auto pinned = f.known_good.recorded();
  REQUIRE(pinned);
  CHECK(pinned->number == 2);
  CHECK(pinned->store_path == fs::canonical(f.profile.system_path(2)));
  // From then on it is checked like any other record.
  fs::remove(f.profile.profile_dir / "system-2-link");
  fs::create_symlink(f.profile.system_path(1), f.profile.profile_dir / "system-2-link");
  store.refresh();
  CHECK_FALSE(store.triple().known_good);
}
