// The package-level diff of two closures (pure: closures in, changes out).
#include "catch.hpp"

#include "nix/closure_diff.hpp"

using namespace nixtray::agent;
using nixtray::protocol::PackageChange;
using nixtray::protocol::PackageChangeKind;

namespace {

StoreClosure closure(std::initializer_list<std::pair<std::string, std::int64_t>> paths) {
  StoreClosure result;
  int n = 0;
  for (const auto& [name, size] : paths) {
    // Distinct hashes, as different builds of the same name would have.
    std::string hash = std::to_string(n++);
    hash.insert(0, 32 - hash.size(), 'a');
    result.paths.push_back({"/nix/store/" + hash + "-" + name, size});
  }
  return result;
}

const PackageChange* find(const std::vector<PackageChange>& changes, const std::string& name) {
  for (const auto& change : changes) {
    if (change.name == name) return &change;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("added, removed, changed and resized packages, sorted by name") {
  const auto before = closure({{"nixos-system-nixos-24.11", 100},
                               {"hello-2.12.1", 4000},
                               {"python3-3.11.9", 50000},
                               {"source", 1000},
                               {"coreutils-9.5", 16000}});
  const auto after = closure({{"nixos-system-nixos-24.11", 100},
                              {"hello-2.12.2", 5200},
                              {"firefox-126.0", 70000},
                              {"source", 1300},
                              {"coreutils-9.5", 16000}});
  const auto changes = diff_closures(before, after);
  REQUIRE(changes.size() == 4);
  CHECK(changes[0].name == "firefox");
  CHECK(changes[1].name == "hello");
  CHECK(changes[2].name == "python3");
  CHECK(changes[3].name == "source");

  CHECK(changes[0].kind == PackageChangeKind::added);
  CHECK(changes[0].from_versions.empty());
  CHECK(changes[0].to_versions == std::vector<std::string>{"126.0"});
  CHECK(changes[0].size_delta == 70000);

  CHECK(changes[1].kind == PackageChangeKind::changed);
  CHECK(changes[1].from_versions == std::vector<std::string>{"2.12.1"});
  CHECK(changes[1].to_versions == std::vector<std::string>{"2.12.2"});
  CHECK(changes[1].size_delta == 1200);

  CHECK(changes[2].kind == PackageChangeKind::removed);
  CHECK(changes[2].to_versions.empty());
  CHECK(changes[2].size_delta == -50000);

  CHECK(changes[3].kind == PackageChangeKind::resized);
  CHECK(changes[3].from_versions == std::vector<std::string>{""});
  CHECK(changes[3].to_versions == std::vector<std::string>{""});
  CHECK(changes[3].size_delta == 300);
}

TEST_CASE("outputs of one package are grouped under its name and their sizes summed") {
  const auto before = closure({{"hello-1.0", 100}, {"hello-1.0-man", 50}});
  const auto after = closure({{"hello-2.0", 120}, {"hello-2.0-man", 60}});
  const auto changes = diff_closures(before, after);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].from_versions == std::vector<std::string>{"1.0"});
  CHECK(changes[0].to_versions == std::vector<std::string>{"2.0"});
  CHECK(changes[0].size_delta == 30);
}

TEST_CASE("several versions of a name: the full sets are reported when any differs") {
  const auto before = closure({{"zlib-1.2", 10}, {"zlib-1.3", 20}});
  const auto after = closure({{"zlib-1.3", 20}});
  const auto changes = diff_closures(before, after);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == PackageChangeKind::changed);
  CHECK(changes[0].from_versions == std::vector<std::string>{"1.2", "1.3"});
  CHECK(changes[0].to_versions == std::vector<std::string>{"1.3"});
  CHECK(changes[0].size_delta == -10);
}

TEST_CASE("identical closures and empty closures give no changes") {
  const auto same = closure({{"hello-1.0", 100}, {"source", 7}});
  CHECK(diff_closures(same, same).empty());
  CHECK(diff_closures(StoreClosure{}, StoreClosure{}).empty());
  const auto from_nothing = diff_closures(StoreClosure{}, same);
  REQUIRE(from_nothing.size() == 2);
  CHECK(from_nothing[0].kind == PackageChangeKind::added);
  CHECK(find(from_nothing, "source")->size_delta == 7);
}

TEST_CASE("the same path set in another order gives the same diff") {
  const auto a = closure({{"b-1", 1}, {"a-1", 2}, {"c-1", 3}});
  const auto b = closure({{"c-2", 3}, {"a-1", 2}, {"b-1", 1}});
  const auto changes = diff_closures(a, b);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].name == "c");
  CHECK(changes[0].size_delta == 0);
  CHECK(changes[0].kind == PackageChangeKind::changed);
  CHECK(a.total_size() == 6);
}
