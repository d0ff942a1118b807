// Rebuilds leave the store collectable: when a job ends no GC root points into the agent's state
// directory, so `gc` frees systems nothing uses any more; a build job's result alone keeps a root
// of its own (gcroots/nixtray/job-<id>) until it is activated or a newer build replaces it.
#include "catch.hpp"
#include "jobs_fixture.hpp"

#include <vector>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Every symlink under Nix's gcroots directory, with where it points (not followed).
std::vector<std::pair<fs::path, fs::path>> gc_roots(const NixStore& store) {
  std::vector<std::pair<fs::path, fs::path>> roots;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(store.state_dir() / "gcroots", ec)) {
    if (entry.is_symlink()) roots.emplace_back(entry.path(), fs::read_symlink(entry.path()));
  }
  return roots;
}

// Roots that name a path in the agent's state directory (dangling or not).
std::vector<std::string> roots_into(const NixStore& store, const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& [root, target] : gc_roots(store)) {
    const auto relative = target.lexically_normal().lexically_relative(dir);
    if (!relative.empty() && *relative.begin() != "..") found.push_back(root.string() + " -> " + target.string());
  }
  return found;
}

std::string roots_text(const NixStore& store) {
  std::string text;
  for (const auto& [root, target] : gc_roots(store)) text += root.string() + " -> " + target.string() + "\n";
  return text;
}

fs::path build_root(const NixStore& store, const std::string& id) {
  return store.state_dir() / "gcroots" / "nixtray" / ("job-" + id);
}

}  // namespace

TEST_CASE("after two rebuild switch jobs a gc job with keep 1 frees the older built system") {
  JobsFixture f;
  const auto first = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}}));
  REQUIRE(first["state"] == "succeeded");
  const fs::path older = first["result_path"].get<std::string>();
  INFO("roots:\n" << roots_text(*f.store));
  CHECK(roots_into(*f.store, f.agent->state_dir()).empty());
  CHECK_FALSE(fs::exists(f.agent->state_dir() / "jobs" / first["id"].get<std::string>() / "work" / "result"));

  f.store->write_configuration(f.configs, "default", toy_system_spec("24.11.20241230.jjjjjjj (Vicuna)", "2.12.9"));
  const auto second = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}}));
  REQUIRE(second["state"] == "succeeded");
  REQUIRE(second["generation_after"] == 3);
  CHECK(roots_into(*f.store, f.agent->state_dir()).empty());
  REQUIRE(fs::exists(older));

  // 3 is the default and current, 1 booted (and the first-boot known-good): 2, the older built
  // system, is the one generation to go, and with nothing else holding it, its store path too.
  const auto gc = f.wait_finished(f.start({{"kind", "gc"}, {"keep", 1}}));
  INFO(gc.dump(2) << "\nroots:\n" << roots_text(*f.store));
  CHECK(gc["state"] == "succeeded");
  CHECK_FALSE(fs::exists(older));
  CHECK(fs::exists(second["result_path"].get<std::string>()));
}

TEST_CASE("a build job's result keeps its own root until a newer build replaces it or it is activated") {
  JobsFixture f;
  const auto built = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  REQUIRE(built["state"] == "succeeded");
  const auto id = built["id"].get<std::string>();
  const fs::path result = built["result_path"].get<std::string>();
  INFO("roots:\n" << roots_text(*f.store));
  CHECK(roots_into(*f.store, f.agent->state_dir()).empty());
  REQUIRE(fs::is_symlink(build_root(*f.store, id)));
  CHECK(fs::read_symlink(build_root(*f.store, id)) == result);

  // A gc leaves it: it can still be activated.
  REQUIRE(f.wait_finished(f.start({{"kind", "gc"}, {"keep", 1}}))["state"] == "succeeded");
  REQUIRE(fs::exists(result));

  // A newer build replaces it: its root goes, and a gc frees the older result.
  f.store->write_configuration(f.configs, "default", toy_system_spec("24.11.20241231.kkkkkkk (Vicuna)", "2.12.10"));
  const auto newer = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  REQUIRE(newer["state"] == "succeeded");
  const auto newer_id = newer["id"].get<std::string>();
  CHECK_FALSE(fs::exists(fs::symlink_status(build_root(*f.store, id))));
  CHECK(fs::is_symlink(build_root(*f.store, newer_id)));
  REQUIRE(f.wait_finished(f.start({{"kind", "gc"}, {"keep", 1}}))["state"] == "succeeded");
  CHECK_FALSE(fs::exists(result));
  REQUIRE(fs::exists(newer["result_path"].get<std::string>()));

  // Activated with switch, it is a generation: the profile keeps it, its own root goes.
  const auto switched =
      f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}, {"system", newer["result_path"]}}));
  REQUIRE(switched["state"] == "succeeded");
  CHECK(switched["generation_after"] == 2);
  CHECK_FALSE(fs::exists(fs::symlink_status(build_root(*f.store, newer_id))));
  CHECK(roots_into(*f.store, f.agent->state_dir()).empty());
  REQUIRE(f.wait_finished(f.start({{"kind", "gc"}, {"keep", 1}}))["state"] == "succeeded");
  CHECK(fs::exists(newer["result_path"].get<std::string>()));
}

TEST_CASE("an agent started on the state of an older one removes its roots there and carries the build over") {
  JobsFixture f;
  const auto built = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  REQUIRE(built["state"] == "succeeded");
  const auto id = built["id"].get<std::string>();
  const fs::path result = built["result_path"].get<std::string>();
  f.agent->ns().systemctl({"stop", SystemdAgent::unit});
  // What an older agent left: ./result in the job's working directory, an indirect root of Nix's,
  // and no root of its own.
  fs::remove(build_root(*f.store, id));
  const auto work_result = f.agent->state_dir() / "jobs" / id / "work" / "result";
  const auto rooted =
      f.store->nix({"nix-store", "--realise", result.string(), "--add-root", work_result.string(), "--indirect"});
  INFO(rooted.describe());
  REQUIRE(rooted.ok());
  REQUIRE_FALSE(roots_into(*f.store, f.agent->state_dir()).empty());

  f.agent->ns().systemctl({"start", SystemdAgent::unit});
  f.agent->wait_for_status([](const json& s) { return s.contains("generations"); });
  INFO("roots:\n" << roots_text(*f.store));
  CHECK(roots_into(*f.store, f.agent->state_dir()).empty());
  CHECK_FALSE(fs::exists(fs::symlink_status(work_result)));
  REQUIRE(fs::is_symlink(build_root(*f.store, id)));
  CHECK(fs::read_symlink(build_root(*f.store, id)) == result);
}
