// nixtrayctl, the tray core without a GUI, run as a program against a real agent.
#include "catch.hpp"
#include "link_fixtures.hpp"
#include "nixtrayctl_run.hpp"

#include "nixtray/crypto/secret_file.hpp"
#include "nixtray/testing/process_runner.hpp"

#include <fstream>

using namespace nixtray;
using namespace nixtray::tray::fixtures;
using protocol::json;

namespace {

testing::ProcessResult nixtrayctl(const testing::TempDir& home, std::vector<std::string> args) {
  return testing::run_nixtrayctl(home, args);
}

json parse_json(const testing::ProcessResult& result) {
  INFO(result.describe());
  return json::parse(result.out);
}

}  // namespace

TEST_CASE("nixtrayctl status over unix, exec and tcp") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options(true));
  testing::TempDir home("nxh");

  SECTION("unix, as text") {
    const auto result = nixtrayctl(home, {"--agent", "unix:" + agent.socket().string(), "status"});
    INFO(result.describe());
    CHECK(result.exit_code() == 0);
    CHECK(result.out.find("NixOS 24.05 \xE2\x80\x94 gen 1, ") == 0);
    CHECK(result.out.find("generations:  default 1, current 1, booted 1") != std::string::npos);
  }
  SECTION("exec through the bridge, as JSON") {
    const auto result = nixtrayctl(
        home,
        {"--agent", "exec:\"" + testing::agent_binary().string() + "\" bridge --socket " + agent.socket().string(),
         "status", "--json"});
    CHECK(result.exit_code() == 0);
    const auto j = parse_json(result);
    CHECK(j["connected"] == true);
    CHECK(j["status"]["generations"]["current"] == 1);
    CHECK(j["generations"].size() == 1);
    CHECK(j["unreachable"].is_null());
  }
  SECTION("tcp with the token file") {
    REQUIRE(testing::wait_until([&] { return std::filesystem::exists(agent.state_dir() / "token"); },
                                testing::scaled(10s)));
    const auto result = nixtrayctl(home, {"--agent", "tcp:127.0.0.1:" + std::to_string(agent.tcp_port()),
                                          "--token-file", (agent.state_dir() / "token").string(), "status", "--json"});
    CHECK(result.exit_code() == 0);
    CHECK(parse_json(result)["hello"]["authorized"] == true);
  }
  SECTION("tcp with a wrong token") {
    REQUIRE(crypto::write_secret_file(home / "token", std::string(64, 'f') + "\n", true).written);
    const auto result = nixtrayctl(home, {"--agent", "tcp:127.0.0.1:" + std::to_string(agent.tcp_port()),
                                          "--token-file", (home / "token").string(), "status", "--json"});
    CHECK(result.exit_code() == 2);
    const auto j = parse_json(result);
    CHECK(j["condition"] == "unreachable");
    // The agent proves a token this one is not: it cannot be told from a listener that is no agent.
    CHECK(j["unreachable"]["reason"] == "identity-not-proven");
  }
  SECTION("the agent address from the settings file") {
    std::ofstream(home / "settings.json") << json{{"agent", "unix:" + agent.socket().string()}}.dump();
    const auto result = nixtrayctl(home, {"status", "--json"});
    CHECK(result.exit_code() == 0);
    CHECK(parse_json(result)["connected"] == true);
  }
}

TEST_CASE("nixtrayctl status when nothing answers") {
  testing::TempDir home("nxh");
  const auto result = nixtrayctl(home, {"--agent", "unix:" + (home / "none.sock").string(), "status", "--json"});
  CHECK(result.exit_code() == 2);
  const auto j = parse_json(result);
  CHECK(j["condition"] == "unreachable");
  CHECK(j["unreachable"]["reason"] == "no-agent");
  CHECK(j["unreachable"]["message"].get<std::string>().find("is nixtray-agent running?") != std::string::npos);
}

TEST_CASE("nixtrayctl status with the command distro control: a stopped distro is stopped") {
  testing::TempDir home("nxh");
  const auto result = nixtrayctl(home, {"--agent", "unix:" + (home / "none.sock").string(), "--distro-control",
                                        "command", "--start", "/bin/true", "--stop", "/bin/true", "--is-running",
                                        "/bin/false", "--exec-as-root", "/usr/bin/env", "status", "--json"});
  INFO(result.describe());
  CHECK(result.exit_code() == 2);
  const auto j = parse_json(result);
  CHECK(j["condition"] == "stopped");
  CHECK(j["distro"] == "stopped");
}

TEST_CASE("nixtrayctl usage errors exit 64") {
  testing::TempDir home("nxh");
  CHECK(nixtrayctl(home, {"--start", "/bin/true", "status"}).exit_code() == 64);
  CHECK(nixtrayctl(home, {"--agent", "ftp:x", "status"}).exit_code() == 64);
  CHECK(nixtrayctl(home, {"--distro-control", "command", "--stop", "\"open", "status"}).exit_code() == 64);
  CHECK(nixtrayctl(home, {"frobnicate"}).exit_code() == 64);
  CHECK(nixtrayctl(home, {}).exit_code() == 64);
  const auto help = nixtrayctl(home, {"--help"});
  CHECK(help.exit_code() == 0);
  for (const auto* option : {"--agent", "--token-file", "--distro-control", "--start", "--stop", "--is-running",
                             "--exec-as-root", "--config"}) {
    CHECK(help.out.find(option) != std::string::npos);
  }
}

TEST_CASE("nixtrayctl moves a corrupt settings file aside and still works") {
  testing::TempDir home("nxh");
  std::ofstream(home / "settings.json") << "{not json";
  const auto result = nixtrayctl(home, {"--agent", "unix:" + (home / "none.sock").string(), "status"});
  CHECK(result.exit_code() == 2);
  CHECK(result.err.find("warning:") != std::string::npos);
  CHECK(result.err.find("moved it to") != std::string::npos);
}
