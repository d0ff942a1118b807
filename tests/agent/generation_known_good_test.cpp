// The known-good generation is a number and the store path it named when marked: a number that Nix
// hands out again to another system (after its generation was deleted) is no known-good one.
#include "catch.hpp"
#include "generation_test_store.hpp"

#include "nixtray/testing/timeouts.hpp"

#include <fstream>
#include <sstream>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

TEST_CASE("a known-good generation whose number Nix reuses for another system is known-good no more") {
  GenerationTestStore f;
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  REQUIRE(connection.call("generations.mark_good", {{"number", 3}}).contains("result"));
  REQUIRE(connection.call("status")["result"]["generations"]["known_good"] == 3);
  std::stringstream record;
  record << std::ifstream(agent.state_dir() / "known-good.json").rdbuf();
  CHECK(json::parse(record.str())["path"] == fs::canonical(f.paths[2]).string());

  // Generation 3 goes (nix-env keeps the one the profile points at: step back first), and the next
  // system registered takes number 3 again: nix-env numbers a new generation one above the highest.
  f.store.switch_generation(2);
  const auto deleted = f.store.nix({"nix-env", "-p", f.store.system_profile().string(), "--delete-generations", "3"});
  INFO(deleted.describe());
  REQUIRE(deleted.ok());
  REQUIRE(f.store.add_generation(f.paths[0]) == 3);

  json status;
  const bool gone = wait_until(
      [&] {
        status = connection.call("status")["result"];
        return status["generations"]["default"] == 3 && status["generations"]["known_good"].is_null();
      },
      scaled(10s));
  INFO(status.dump(2) << "\nagent log:\n" << agent.log());
  CHECK(gone);
  const auto list = connection.call("generations.list");
  for (const auto& generation : list["result"]["generations"]) {
    CHECK_FALSE(generation["known_good"].get<bool>());
  }
}
