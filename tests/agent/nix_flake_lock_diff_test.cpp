// What an update moved, read from two flake.lock files as Nix writes them (version 7): inputs by
// the path a person names them by, followed inputs not on their own, added and dropped ones.
#include "catch.hpp"

#include "nix/flake_lock_diff.hpp"

using namespace nixtray::agent;
using nlohmann::json;

namespace {

json github_node(const std::string& repo, const std::string& rev, std::int64_t date, json inputs = json::object()) {
  json node = {{"locked", {{"type", "github"}, {"owner", "o"}, {"repo", repo}, {"rev", rev}, {"lastModified", date}}},
               {"original", {{"type", "github"}, {"owner", "o"}, {"repo", repo}, {"ref", "main"}}}};
  if (!inputs.empty()) node["inputs"] = inputs;
  return node;
}

// nixpkgs, and home-manager whose own nixpkgs follows the top one (an array, as Nix writes it).
json lock(const std::string& nixpkgs_rev, const std::string& hm_rev) {
  return {{"version", 7},
          {"root", "root"},
          {"nodes",
           {{"root", {{"inputs", {{"nixpkgs", "nixpkgs"}, {"home-manager", "home-manager"}}}}},
            {"nixpkgs", github_node("nixpkgs", nixpkgs_rev, 100)},
            {"home-manager", github_node("home-manager", hm_rev, 200, {{"nixpkgs", json::array({"nixpkgs"})}})}}}};
}

}  // namespace

TEST_CASE("moved inputs: only pins that changed, named by path, with their source and dates") {
  const auto changes = moved_inputs(lock("aaa", "hhh"), lock("bbb", "hhh"));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].name == "nixpkgs");
  CHECK(changes[0].source == "github:o/nixpkgs/main");
  REQUIRE(changes[0].from);
  REQUIRE(changes[0].to);
  CHECK(changes[0].from->revision == "aaa");
  CHECK(changes[0].to->revision == "bbb");
  CHECK(changes[0].to->date == 100);
  CHECK(moved_inputs(lock("aaa", "hhh"), lock("aaa", "hhh")).empty());
}

TEST_CASE("moved inputs: a nested input by its path, added and dropped inputs, no lock before") {
  auto before = lock("aaa", "hhh");
  auto after = lock("aaa", "iii");
  after["nodes"]["home-manager"]["inputs"] = {{"utils", "utils"}};
  after["nodes"]["utils"] = github_node("flake-utils", "uuu", 300);
  after["nodes"]["root"]["inputs"].erase("nixpkgs");
  const auto changes = moved_inputs(before, after);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].name == "home-manager");
  CHECK(changes[1].name == "home-manager/utils");
  CHECK_FALSE(changes[1].from);
  CHECK(changes[1].to->revision == "uuu");
  CHECK(changes[2].name == "nixpkgs");
  CHECK_FALSE(changes[2].to);
  // The first update of a flake that had no lock: every input is new.
  CHECK(moved_inputs(nullptr, before).size() == 2);
  // A damaged lock (a cycle) is walked once, not forever.
  auto cyclic = before;
  cyclic["nodes"]["nixpkgs"]["inputs"] = {{"again", "root"}};
  CHECK(moved_inputs(cyclic, cyclic).empty());
}

TEST_CASE("flake references of lock entries, as flake.nix spells them") {
  CHECK(flake_reference_of({{"type", "git"}, {"url", "file:///srv/pins"}, {"ref", "main"}}) ==
        "git+file:///srv/pins?ref=main");
  CHECK(flake_reference_of({{"type", "path"}, {"path", "/etc/nixos/sub"}}) == "path:/etc/nixos/sub");
  CHECK(flake_reference_of({{"type", "indirect"}, {"id", "nixpkgs"}}) == "nixpkgs");
  CHECK(flake_reference_of({{"type", "tarball"}, {"url", "https://x/y.tar.gz"}}) == "https://x/y.tar.gz");
}
