// The command line as a person and a script use it: output, --json, exit codes, --help.
#include "catch.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"

using namespace nixtray::testing;
using nlohmann::json;

namespace {

struct ProfileAgent {
  TempDir root{"nxp"};
  PlainProfile profile = make_plain_profile(root.path());
  std::optional<TestAgent> agent;

  ProfileAgent() {
    profile.add(1, "24.05.20240601.aaaaaaa (Uakari)");
    profile.add(2, "24.11.20241201.bbbbbbb (Vicuna)");
    profile.add(3, "24.11.20241215.ccccccc (Vicuna)");
    profile.set_default(3);
    profile.set_current(3);
    profile.set_booted(2);
    agent.emplace(agent_options_for(profile));
  }
};

}  // namespace

TEST_CASE("status --json reports the generation triple and pending restart") {
  ProfileAgent f;
  const auto result = run_process(f.agent->cli({"status", "--json"}));
  INFO(result.describe());
  REQUIRE(result.ok());
  const auto status = json::parse(result.out);
  CHECK(status["generations"]["default"] == 3);
  CHECK(status["generations"]["current"] == 3);
  CHECK(status["generations"]["booted"] == 2);
  CHECK(status["generations"]["known_good"] == 2);  // first boot seen counts as known-good
  CHECK(status["restart_pending"] == true);
  CHECK(status["boot_pending"] == false);
  CHECK(status["nixos_version"] == "24.11.20241215.ccccccc (Vicuna)");
  CHECK(status["system_state"] == "offline");  // a test agent has no systemd to watch
}

TEST_CASE("status prints a readable summary") {
  ProfileAgent f;
  const auto result = run_process(f.agent->cli({"status"}));
  REQUIRE(result.ok());
  CHECK(result.out.find("24.11.20241215.ccccccc (Vicuna)") != std::string::npos);
  CHECK(result.out.find("current 3, booted 2, next boot 3") != std::string::npos);
  CHECK(result.out.find("restart pending") != std::string::npos);
}

TEST_CASE("generations lists newest first with marks") {
  ProfileAgent f;
  const auto result = run_process(f.agent->cli({"generations"}));
  REQUIRE(result.ok());
  const auto three = result.out.find("\n3 ");
  const auto one = result.out.find("\n1 ");
  REQUIRE(three != std::string::npos);
  REQUIRE(one != std::string::npos);
  CHECK(three < one);
  CHECK(result.out.find("default current") != std::string::npos);
  CHECK(result.out.find("booted known-good") != std::string::npos);
  const auto as_json = json::parse(run_process(f.agent->cli({"generations", "--json"})).out);
  REQUIRE(as_json["generations"].size() == 3);
  CHECK(as_json["generations"][0]["number"] == 3);
  CHECK(as_json["generations"][2]["nixos_version"] == "24.05.20240601.aaaaaaa (Uakari)");
}

TEST_CASE("mark-good records the generation and unknown numbers fail with exit code 1") {
  ProfileAgent f;
  CHECK(run_process(f.agent->cli({"mark-good", "3"})).ok());
  const auto status = json::parse(run_process(f.agent->cli({"status", "--json"})).out);
  CHECK(status["generations"]["known_good"] == 3);
  const auto missing = run_process(f.agent->cli({"mark-good", "42"}));
  CHECK(missing.exit_code() == 1);
  CHECK(missing.err.find("no generation 42") != std::string::npos);
}

TEST_CASE("exit codes: unreachable 2, usage 64, help 0") {
  TempDir dir("nxc");
  const auto unreachable =
      run_process({agent_binary().string(), "--socket", (dir / "nothing.sock").string(), "status"});
  CHECK(unreachable.exit_code() == 2);
  CHECK(unreachable.err.find("Is the agent running?") != std::string::npos);
  CHECK(run_process({agent_binary().string(), "frobnicate"}).exit_code() == 64);
  CHECK(run_process({agent_binary().string(), "mark-good"}).exit_code() == 64);
  CHECK(run_process({agent_binary().string(), "mark-good", "x"}).exit_code() == 64);
  const auto help = run_process({agent_binary().string(), "--help"});
  CHECK(help.ok());
  CHECK(help.out.find("Exit codes") != std::string::npos);
  const auto serve_help = run_process({agent_binary().string(), "serve", "--help"});
  CHECK(serve_help.ok());
  CHECK(serve_help.out.find("--profile-dir PATH") != std::string::npos);
}

TEST_CASE("a new generation is pushed to subscribers of the generations and status topics") {
  ProfileAgent f;
  auto client = RawClient::unix_socket(f.agent->socket());
  client.hello();
  client.request(1, "subscribe", {{"topics", {"generations", "status"}}});
  REQUIRE(client.response(1));
  f.profile.add(4, "24.11.20241220.ddddddd (Vicuna)");
  f.profile.set_default(4);
  bool saw_generations = false;
  bool saw_status = false;
  while (!(saw_generations && saw_status)) {
    const auto message = client.read_json();
    REQUIRE(message);
    if (message->value("method", "") != "event") continue;
    const auto& params = (*message)["params"];
    if (params["topic"] == "generations") {
      saw_generations = saw_generations || params["data"]["generations"][0]["number"] == 4;
    } else if (params["topic"] == "status") {
      saw_status = saw_status || params["data"]["generations"]["default"] == 4;
    }
  }
  CHECK(saw_generations);
  CHECK(saw_status);
}

TEST_CASE("a generation that disappears (deleted by nix-env or a gc) is pushed to subscribers too") {
  ProfileAgent f;
  auto client = RawClient::unix_socket(f.agent->socket());
  client.hello();
  client.request(1, "subscribe", {{"topics", {"generations"}}});
  REQUIRE(client.response(1));
  std::filesystem::remove(f.profile.profile_dir / "system-1-link");
  std::optional<nlohmann::json> list;
  while (!list) {
    const auto message = client.read_json();
    REQUIRE(message);
    if (message->value("method", "") != "event" || (*message)["params"]["topic"] != "generations") continue;
    const auto& generations = (*message)["params"]["data"]["generations"];
    if (generations.size() == 2) list = generations;
  }
  CHECK((*list)[0]["number"] == 3);
  CHECK((*list)[1]["number"] == 2);
}

TEST_CASE("without --profile-dir the daemon and the rescue read the profiles of NIX_STATE_DIR") {
  // A relocated Nix (NIX_STATE_DIR=<root>/var) works without extra flags: its profiles are in
  // <root>/var/profiles, as Nix keeps them.
  TempDir root("nxs");
  auto profile = make_two_generation_profile(root / "var");
  auto options = agent_options_for(profile);
  options.pass_profile_dir = false;
  options.env["NIX_STATE_DIR"] = (root / "var").string();
  TestAgent agent(options);
  const auto result = run_process(agent.cli({"status", "--json"}));
  INFO(result.describe() << agent.log());
  REQUIRE(result.ok());
  const auto status = json::parse(result.out);
  CHECK(status["generations"]["default"] == 2);
  CHECK(status["generations"]["current"] == 2);
  CHECK(status["nixos_version"] == "24.11.20241201.bbbbbbb (Vicuna)");

  RunOptions rescue_options;
  rescue_options.env = minimal_environment();
  rescue_options.env["NIX_STATE_DIR"] = (root / "var").string();
  const auto rescue = run_process({agent_binary().string(), "rescue", "list", "--config",
                                   (agent.dir() / "agent.json").string(), "--state-dir", agent.state_dir().string()},
                                  rescue_options);
  INFO(rescue.describe());
  CHECK(rescue.ok());
  CHECK(rescue.out.find("Generations in " + (root / "var" / "profiles").string()) != std::string::npos);
  CHECK(rescue.out.find("24.05.20240601.aaaaaaa (Uakari)") != std::string::npos);
}
