// nixtrayctl, the tray core without a GUI, run as a program against a real agent.
#include "catch.hpp"
#include "link_fixtures.hpp"
#include "nixtrayctl_run.hpp"

#include "nixtray/crypto/secret_file.hpp"
#include "nixtray/testing/process_runner.hpp"

#include <fstream>
#include <regex>
#include <set>

using namespace nixtray;
using namespace nixtray::tray::fixtures;
using protocol::json;

namespace {

testing::ProcessResult nixtrayctl(const testing::TempDir& home, std::vector<std::string> args) {
  return testing::run_nixtrayctl(home, args);
}

// The words of `text` in Latin letters that are not data: `data` (names, paths, what the agent
// and systemd say) removed first, and the names every language writes as they are.
std::set<std::string> english_words(std::string text, const std::vector<std::string>& data) {
  for (const auto& item : data) {
    for (auto at = text.find(item); !item.empty() && at != std::string::npos; at = text.find(item)) {
      text.erase(at, item.size());
    }
  }
  // "degraded": systemd's own word, which the translation keeps after its own ("一部異常（degraded）").
  static const std::set<std::string> names = {"NixOS", "WSL", "nixtray", "systemd", "boot", "ms", "degraded"};
  std::set<std::string> words;
  const std::regex word("[A-Za-z][A-Za-z'-]+");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it) {
    if (!names.contains(it->str())) words.insert(it->str());
  }
  return words;
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

TEST_CASE("nixtrayctl speaks the language LANG names: status and targets in Japanese") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options(true));
  testing::TempDir home("nxh");
  const std::vector<std::string> args = {"--agent", "unix:" + agent.socket().string(), "status"};
  const testing::Environment japanese = {{"LANG", "ja_JP.UTF-8"}};

  const auto english = nixtrayctl(home, args);
  REQUIRE(english.exit_code() == 0);
  CHECK(english.out.find("\nstate:        ") != std::string::npos);
  auto as_json = args;
  as_json.emplace_back("--json");
  const auto j = parse_json(nixtrayctl(home, as_json));
  const std::vector<std::string> data = {j["endpoint"].get<std::string>(), j["hello"]["agent"].get<std::string>(),
                                         j["status"]["hostname"].get<std::string>(),
                                         j["status"]["system_state"].get<std::string>(), "nixtrayctl verify-boot"};

  const auto status = testing::run_nixtrayctl(home, args, std::chrono::seconds(60), japanese);
  INFO(status.describe());
  REQUIRE(status.exit_code() == 0);
  CHECK(status.out.find("\n\xE7\x8A\xB6\xE6\x85\x8B:") != std::string::npos);  // "状態:"
  CHECK(english_words(status.out, data) == std::set<std::string>{});           // shows the words when it fails

  // A stopped distro, and the targets' list.
  const auto stopped = testing::run_nixtrayctl(
      home,
      {"--agent", "unix:" + (home / "none.sock").string(), "--distro-control", "command", "--start", "/bin/true",
       "--stop", "/bin/true", "--is-running", "/bin/false", "--exec-as-root", "/usr/bin/env", "status"},
      std::chrono::seconds(60), japanese);
  INFO(stopped.describe());
  CHECK(stopped.exit_code() == 2);
  CHECK(english_words(stopped.out, {(home / "none.sock").string()}) == std::set<std::string>{});
  const auto targets = testing::run_nixtrayctl(home, {"targets"}, std::chrono::seconds(60), japanese);
  INFO(targets.describe());
  CHECK(targets.exit_code() == 0);
  const auto listed = parse_json(nixtrayctl(home, {"targets", "--json"}));
  REQUIRE(listed.size() == 1);
  CHECK(english_words(targets.out, {listed[0]["agent"].get<std::string>(),
                                    listed[0]["distro_control"].get<std::string>()}) == std::set<std::string>{});
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
