// A broken store or profile gives a clear state or error and the agent keeps serving: links into
// deleted or unregistered store paths, links to nowhere, an unreadable profile directory, garbage
// in nixos-version, and a missing or broken Nix database.
#include "catch.hpp"
#include "generation_test_store.hpp"

#include "nixtray/testing/timeouts.hpp"

#include <sys/stat.h>

#include <fstream>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

int error_code(const json& reply) { return reply.contains("error") ? reply["error"]["code"].get<int>() : 0; }
std::string error_message(const json& reply) {
  return reply.contains("error") ? reply["error"]["message"].get<std::string>() : std::string();
}

json generation_numbered(const json& list_reply, int number) {
  for (const auto& generation : list_reply["result"]["generations"]) {
    if (generation["number"] == number) return generation;
  }
  return nullptr;
}

void link_generation(const NixStore& store, int number, const fs::path& target) {
  fs::create_symlink(target, store.profiles_dir() / ("system-" + std::to_string(number) + "-link"));
}

// A store path's directory opened for writing (store paths are read-only, as Nix leaves them).
void make_writable(const fs::path& path) {
  ::chmod(path.c_str(), 0755);
  for (const auto& entry : fs::recursive_directory_iterator(path)) {
    if (!entry.is_symlink()) ::chmod(entry.path().c_str(), entry.is_directory() ? 0755 : 0644);
  }
}

void check_still_serving(AgentConnection& connection) {
  const auto status = connection.call("status");
  CHECK(status.contains("result"));
}

}  // namespace

TEST_CASE("unknown generations are not found, bad params are invalid") {
  GenerationTestStore f;
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  const auto unknown = connection.call("generations.diff", {{"from", 1}, {"to", 99}});
  CHECK(error_code(unknown) == -32003);
  CHECK(error_message(unknown) == "there is no generation 99");
  CHECK(error_code(connection.call("generations.diff", {{"from", 1}})) == -32602);
  CHECK(error_code(connection.call("generations.diff", {{"from", "1"}, {"to", 2}})) == -32602);
  CHECK(error_code(connection.call("generations.diff", {{"from", 0}, {"to", 2}})) == -32602);
  check_still_serving(connection);
}

TEST_CASE("a generation whose store path was deleted is refused with a reason") {
  GenerationTestStore f;
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  wait_for_closure_sizes(connection);

  // Deleted behind the agent's back (no profile change, so no refresh): the diff finds out.
  TempDir::remove_tree(f.paths[0]);
  const auto refused = connection.call("generations.diff", {{"from", 1}, {"to", 2}});
  CHECK(error_code(refused) == -32005);
  CHECK(error_message(refused).find("generation 1") != std::string::npos);
  CHECK(error_message(refused).find(f.paths[0].string()) != std::string::npos);
  CHECK(error_code(connection.call("generations.diff", {{"from", 2}, {"to", 1}})) == -32005);
  CHECK(connection.call("generations.diff", {{"from", 2}, {"to", 3}}).contains("result"));

  // After the next profile change the list says so too.
  link_generation(f.store, 7, f.paths[2]);
  REQUIRE(wait_until([&] { return generation_numbered(connection.call("generations.list"), 7).is_object(); },
                     scaled(std::chrono::seconds(10))));
  const auto broken = generation_numbered(connection.call("generations.list"), 1);
  REQUIRE(broken["problem"].is_string());
  CHECK(broken["problem"].get<std::string>().find("missing") != std::string::npos);
  CHECK(broken["closure_size"].is_null());
  const auto refused_again = connection.call("generations.diff", {{"from", 1}, {"to", 2}});
  CHECK(error_code(refused_again) == -32005);
  check_still_serving(connection);
}

TEST_CASE("a generation linking to an unregistered copy in the store gets a problem") {
  GenerationTestStore f;
  // Half a store path: the files are there, Nix's database does not know them.
  const auto unregistered = f.store.store_dir() / "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-nixos-system-nixos-copy";
  fs::copy(f.paths[1], unregistered, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  link_generation(f.store, 4, unregistered);
  link_generation(f.store, 5, "/nonexistent/nix/store/path");  // points nowhere
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);

  json copy;
  REQUIRE(wait_until(
      [&] {
        copy = generation_numbered(connection.call("generations.list"), 4);
        return copy["problem"].is_string();
      },
      scaled(std::chrono::seconds(10))));
  CHECK(copy["problem"].get<std::string>().find("not registered") != std::string::npos);
  CHECK(copy["closure_size"].is_null());
  CHECK(copy["nixos_version"] == "24.11.20241201.bbbbbbb (Vicuna)");  // its files are still readable
  const auto nowhere = generation_numbered(connection.call("generations.list"), 5);
  CHECK(nowhere["problem"].get<std::string>().find("/nonexistent/nix/store/path") != std::string::npos);

  for (const int broken : {4, 5}) {
    const auto refused = connection.call("generations.diff", {{"from", broken}, {"to", 2}});
    CHECK(error_code(refused) == -32005);
    CHECK(error_message(refused).find("generation " + std::to_string(broken)) != std::string::npos);
    CHECK(error_code(connection.call("generations.mark_good", {{"number", broken}})) == -32005);
  }
  CHECK(connection.call("generations.diff", {{"from", 1}, {"to", 2}}).contains("result"));
  check_still_serving(connection);
}

TEST_CASE("garbage in nixos-version gives no label and nothing else breaks") {
  GenerationTestStore f;
  make_writable(f.paths[0]);
  std::ofstream(f.paths[0] / "nixos-version", std::ios::binary | std::ios::trunc) << "\x01\x02\xFF\xFE\n\x1b[31m";
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  const auto list = wait_for_closure_sizes(connection);
  const auto garbled = generation_numbered(list, 1);
  CHECK(garbled["nixos_version"].is_null());
  CHECK(garbled["problem"].is_null());
  CHECK(garbled["closure_size"].is_number());
  CHECK(connection.call("generations.diff", {{"from", 1}, {"to", 2}}).contains("result"));
}

TEST_CASE("an unreadable profile directory is an error naming it, and the agent keeps serving") {
  GenerationTestStore f;
  TempDir elsewhere("nxbad");
  const auto not_a_directory = elsewhere / "profiles-file";
  std::ofstream(not_a_directory) << "not a directory\n";
  const auto dangling = elsewhere / "profiles-dangling";
  fs::create_symlink(elsewhere / "gone", dangling);

  for (const auto& profile_dir : {not_a_directory, dangling}) {
    INFO(profile_dir);
    auto options = f.agent_options();
    options.profile_dir = profile_dir;
    TestAgent agent(options);
    AgentConnection connection(agent);
    const auto list = connection.call("generations.list");
    CHECK(error_code(list) == -32603);
    CHECK(error_message(list).find(profile_dir.string()) != std::string::npos);
    CHECK(error_code(connection.call("generations.diff", {{"from", 1}, {"to", 2}})) == -32003);
    check_still_serving(connection);
    CHECK(agent.running());
  }
}

TEST_CASE("without a readable Nix database closure sizes are null and diffs fail with the reason") {
  GenerationTestStore f;
  TempDir state("nxst");
  fs::create_directories(state / "db");
  fs::create_directories(state / "broken" / "db");
  std::ofstream(state / "broken" / "db" / "db.sqlite") << "garbage, not SQLite: " << std::string(200, 'x');

  for (const auto& state_dir : {state.path(), state / "broken"}) {
    INFO(state_dir);
    TestAgent agent(f.agent_options({{"NIX_STATE_DIR", state_dir.string()}}));
    AgentConnection connection(agent);
    const auto diff = connection.call("generations.diff", {{"from", 1}, {"to", 2}});
    CHECK(error_code(diff) == -32603);
    CHECK(error_message(diff).find((state_dir / "db" / "db.sqlite").string()) != std::string::npos);
    const auto list = connection.call("generations.list");
    REQUIRE(list["result"]["generations"].size() == 3);
    for (const auto& generation : list["result"]["generations"]) {
      CHECK(generation["closure_size"].is_null());
      CHECK(generation["problem"].is_null());  // an unreadable database says nothing about the paths
      CHECK(generation["nixos_version"].is_string());
    }
    CHECK(wait_until([&] { return agent.log().find("closure sizes are unknown") != std::string::npos; },
                     scaled(std::chrono::seconds(10))));
    check_still_serving(connection);
  }
  CHECK_FALSE(fs::exists(state / "db" / "db.sqlite"));  // never created
}
