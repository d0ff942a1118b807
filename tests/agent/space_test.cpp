// The space report of a real agent over a real (relocated) Nix store, against what Nix's and
// coreutils' own tools say about the same store: du for sizes, nix-store --gc --print-dead for
// what the next collection deletes. Every prediction ("deleting this frees that") is checked by
// doing it and looking at --print-dead again.
#include "catch.hpp"
#include "generation_test_store.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/text_file.hpp"

#include <fstream>
#include <sstream>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct SpaceStore : GenerationTestStore {
  // What the next collection would delete, as Nix says it.
  std::set<std::string> dead() const {
    const auto result = store.nix({"nix-store", "--gc", "--print-dead"});
    REQUIRE(result.ok());
    const auto lines = lines_of(result.out, true);
    return {lines.begin(), lines.end()};
  }

  // du's disk usage of the paths together (each inode counted once), in bytes.
  static std::int64_t du(const std::set<std::string>& paths) {
    if (paths.empty()) return 0;
    std::vector<std::string> argv = {"/usr/bin/du", "-scB1", "--"};
    argv.insert(argv.end(), paths.begin(), paths.end());
    const auto result = run_checked(argv);
    const auto lines = lines_of(result.out, true);
    return std::stoll(lines.back());
  }

  std::int64_t du_store() const { return du({store.store_dir().string()}); }

  // A toy package built with nix-build (`out_link` registers an indirect root, as users do).
  fs::path build_package(const std::string& name, std::size_t bytes, const std::optional<fs::path>& out_link) const {
    const auto nix_file = root / (name + ".nix");
    std::ofstream(nix_file) << "derivation { name = \"" << name
                            << "\"; system = builtins.currentSystem; builder = \"/bin/sh\"; PATH = \"/usr/bin:/bin\";"
                            << " args = [ \"-c\" \"mkdir $out; head -c " << bytes
                            << " /dev/urandom > $out/data\" ]; }\n";
    std::vector<std::string> argv = {"nix-build", nix_file.string()};
    if (out_link) {
      argv.insert(argv.end(), {"-o", out_link->string()});
    } else {
      argv.push_back("--no-out-link");
    }
    const auto result = store.nix(argv);
    INFO(result.describe());
    REQUIRE(result.ok());
    return trim_right(result.out);
  }
};

json space(AgentConnection& connection) {
  const auto reply = connection.call("space", {{"refresh", true}});
  INFO(reply.dump(2));
  REQUIRE(reply.contains("result"));
  return reply["result"];
}

std::set<std::string> added(const std::set<std::string>& after, const std::set<std::string>& before) {
  std::set<std::string> result;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::inserter(result, result.end()));
  return result;
}

const json& group_at(const json& report, const std::string& location) {
  for (const auto& group : report["roots"]) {
    if (group["location"] == location) return group;
  }
  FAIL("no root group at " << location << " in " << report["roots"].dump(2));
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("space: the store's size and its garbage are what du and nix-store --gc --print-dead say") {
  SpaceStore f;
  f.build_package("left-over", 50'000, std::nullopt);  // garbage from the start
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  const auto report = space(connection);
  INFO(report.dump(2));

  CHECK(report["store_dir"] == f.store.store_dir().string());
  CHECK(report["store_bytes"].get<std::int64_t>() == f.du_store());
  const auto dead = f.dead();
  REQUIRE(dead.size() >= 2);  // the package and its derivation
  CHECK(report["garbage_paths"].get<std::size_t>() == dead.size());
  CHECK(report["garbage_bytes"].get<std::int64_t>() == SpaceStore::du(dead));
  const auto& usage = report["usage"];
  CHECK(usage["system"].get<std::int64_t>() + usage["roots"].get<std::int64_t>() +
            usage["old_generations"].get<std::int64_t>() + usage["garbage"].get<std::int64_t>() +
            usage["other"].get<std::int64_t>() ==
        report["store_bytes"].get<std::int64_t>());
  CHECK(report["free_bytes"].get<std::int64_t>() > 0);
  CHECK(report["total_bytes"].get<std::int64_t>() > report["free_bytes"].get<std::int64_t>());
  // Generation 3 is the default: kept. 1 and 2 may go.
  REQUIRE(report["generations"].size() == 3);
  CHECK(report["generations"][0]["number"] == 3);
  CHECK(report["generations"][0]["kept"] == true);
  CHECK(report["generations"][1]["kept"] == false);
}

TEST_CASE("space: what deleting a generation or a root's links frees is what the collection then deletes") {
  SpaceStore f;
  const auto project = f.root / "home" / "alice" / "project";
  fs::create_directories(project);
  f.build_package("project-shell", 70'000, project / "result");
  const auto tool = f.build_package("alice-tool", 30'000, std::nullopt);
  const auto alice = f.store.profiles_dir() / "per-user" / "alice";
  fs::create_directories(alice);
  REQUIRE(f.store.nix({"nix-env", "-p", (alice / "profile").string(), "--set", tool.string()}).ok());

  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  auto report = space(connection);
  INFO(report.dump(2));

  const auto& link = group_at(report, project.string());
  CHECK(link["kind"] == "link");
  CHECK(link["link_count"] == 1);
  CHECK(link["links"][0]["link"] == (project / "result").string());
  const auto& profile = group_at(report, alice.string());
  CHECK(profile["kind"] == "profile");

  // Generation 1 alone keeps what only it has (python3 3.11.9, its own payload, ...).
  const auto& generation_1 = report["generations"][2];
  REQUIRE(generation_1["number"] == 1);
  const auto frees_paths = generation_1["frees_paths"].get<std::size_t>();
  const auto frees_bytes = generation_1["frees_bytes"].get<std::int64_t>();
  CHECK(frees_paths > 0);
  auto before = f.dead();
  REQUIRE(f.store.nix({"nix-env", "-p", f.store.system_profile().string(), "--delete-generations", "1"}).ok());
  auto after = f.dead();
  auto freed = added(after, before);
  CHECK(freed.size() == frees_paths);
  CHECK(SpaceStore::du(freed) == frees_bytes);

  // The project's result link keeps the project's shell alone.
  report = space(connection);
  CHECK(report["garbage_bytes"].get<std::int64_t>() == SpaceStore::du(after));
  const auto keeps = group_at(report, project.string())["keeps_bytes"].get<std::int64_t>();
  const auto keeps_paths = group_at(report, project.string())["keeps_paths"].get<std::size_t>();
  CHECK(keeps > 70'000);
  before = after;
  fs::remove(project / "result");
  after = f.dead();
  freed = added(after, before);
  CHECK(freed.size() == keeps_paths);
  CHECK(SpaceStore::du(freed) == keeps);

  // The cleanup options: keep 1 deletes generation 2 (3 is kept), and frees it and the garbage.
  report = space(connection);
  REQUIRE(!report["cleanup"].empty());
  const auto& keep_1 = report["cleanup"][0];
  CHECK(keep_1["keep"] == 1);
  CHECK(keep_1["deletes"] == json::array({2}));
  before = f.dead();
  REQUIRE(f.store.nix({"nix-env", "-p", f.store.system_profile().string(), "--delete-generations", "2"}).ok());
  after = f.dead();
  CHECK(keep_1["frees_paths"].get<std::size_t>() == after.size());
  CHECK(keep_1["frees_bytes"].get<std::int64_t>() == SpaceStore::du(after));
  const auto du_before = f.du_store();
  REQUIRE(f.store.nix({"nix-store", "--gc"}).ok());
  CHECK(du_before - f.du_store() == keep_1["frees_bytes"].get<std::int64_t>());
}

TEST_CASE("space: the command line prints the report, and --json the protocol's SpaceReport") {
  SpaceStore f;
  TestAgent agent(f.agent_options());
  const auto text = run_process(agent.cli({"space", "--refresh"}));
  INFO(text.describe());
  REQUIRE(text.ok());
  CHECK(text.out.find("Store:  " + f.store.store_dir().string()) != std::string::npos);
  CHECK(text.out.find("--keep 1") != std::string::npos);
  const auto as_json = run_process(agent.cli({"--json", "space"}));
  REQUIRE(as_json.ok());
  const auto report = json::parse(as_json.out);
  CHECK(report["store_bytes"].get<std::int64_t>() == f.du_store());
}
