// What a rebuild job may activate with `system`: only what the agent built and still keeps, or a
// generation of the profile. Activation runs as root; anything else (a tree anyone can add to the
// store) is refused with -32005 before a job exists, whatever the path looks like.
#include "catch.hpp"
#include "jobs_fixture.hpp"

#include <fstream>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A directory that looks like a NixOS system to the runner's checks (switch-to-configuration,
// nixos-version, init, sw/bin), added to the store as any user of the store can do it.
fs::path add_lookalike_system(JobsFixture& f) {
  const auto tree = f.store_dir.path() / "lookalike" / "nixos-system-nixos-24.11";
  fs::create_directories(tree / "bin");
  fs::create_directories(tree / "sw" / "bin");
  write_text(tree / "nixos-version", "24.11.20241201.aaaaaaa (Vicuna)");
  for (const auto* script : {"bin/switch-to-configuration", "init"}) {
    write_text(tree / script, "#!/bin/sh\n/bin/touch " + (f.store_dir.path() / "owned-by-the-group").string() + "\n");
    fs::permissions(tree / script, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  }
  const auto added = f.store->nix({"nix-store", "--add", tree.string()});
  INFO(added.describe());
  REQUIRE(added.ok());
  return trim_right(added.out);
}

void check_refused(JobsFixture& f, const std::string& system, const std::string& why) {
  const auto reply = f.agent->call("jobs.start", {{"kind", "rebuild"}, {"mode", "switch"}, {"system", system}});
  INFO(system << "\n" << reply.dump());
  REQUIRE(reply.contains("error"));
  CHECK(reply["error"]["code"] == -32005);
  CHECK(reply["error"]["message"].get<std::string>().find(why) != std::string::npos);
}

}  // namespace

TEST_CASE("system is refused unless it is a kept build result or a generation, symlinks resolved, no dot-dot") {
  JobsFixture f;
  const auto lookalike = add_lookalike_system(f);
  check_refused(f, lookalike.string(), "neither the result of a build job");
  const auto built = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  REQUIRE(built["state"] == "succeeded");
  const fs::path result = built["result_path"].get<std::string>();
  // Spelled with `..` it is refused, even when it would lead to an accepted path.
  check_refused(f, (result / ".." / result.filename()).string(), "'..'");
  check_refused(f, (result / ".").string(), "'..'");
  // Inside a store path, not the path itself.
  check_refused(f, (result / "sw").string(), "directly in the Nix store");
  check_refused(f, "/tmp/not-a-store-path", "does not exist");
  // A symlink to the look-alike is the look-alike.
  const auto link_to_lookalike = f.store_dir.path() / "innocent-link";
  fs::create_symlink(lookalike, link_to_lookalike);
  check_refused(f, link_to_lookalike.string(), "neither the result of a build job");
  CHECK(f.agent->call("jobs.list")["result"]["jobs"].size() == 1);  // no job was even created

  // A symlink to the build's result is resolved; what is activated and recorded is the store path.
  const auto link_to_result = f.store_dir.path() / "reviewed-system";
  fs::create_symlink(result, link_to_result);
  const auto activated =
      f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}, {"system", link_to_result.string()}}));
  INFO(activated.dump(2));
  CHECK(activated["state"] == "succeeded");
  CHECK(activated["args"]["system"] == result.string());
  CHECK(activated["result_path"] == result.string());
  CHECK(f.current_inside() == result.string());
  CHECK_FALSE(fs::exists(f.store_dir.path() / "owned-by-the-group"));

  // An existing generation (1, the first one) can be activated again.
  const auto first = f.store->list_generations().front();
  REQUIRE(first.number == 1);
  const auto back =
      f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "test"}, {"system", first.store_path.string()}}));
  CHECK(back["state"] == "succeeded");
  CHECK(f.current_inside() == fs::canonical(first.store_path).string());
}

TEST_CASE("a build job's result that a newer build replaced can no longer be activated") {
  JobsFixture f;
  const auto older = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  REQUIRE(older["state"] == "succeeded");
  f.store->write_configuration(f.configs, "default", toy_system_spec("24.11.20241229.lllllll (Vicuna)", "2.12.8"));
  const auto newer = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  REQUIRE(newer["state"] == "succeeded");
  REQUIRE(newer["result_path"] != older["result_path"]);
  check_refused(f, older["result_path"].get<std::string>(), "neither the result of a build job");
  const auto activated =
      f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "boot"}, {"system", newer["result_path"]}}));
  CHECK(activated["state"] == "succeeded");
}
