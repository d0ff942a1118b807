#include "catch.hpp"

#include "config/agent_config.hpp"
#include "nixtray/testing/scoped_environment.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>

using namespace nixtray::agent;
using nixtray::testing::ScopedEnvironment;
using nixtray::testing::TempDir;

namespace {

nixtray::cli::ParsedCommandLine flags(std::map<std::string, std::string> values) {
  nixtray::cli::ParsedCommandLine parsed;
  for (auto& [key, value] : values) {
    parsed.options[key] = {value};
  }
  return parsed;
}

}  // namespace

TEST_CASE("defaults come from the settings schema") {
  const ScopedEnvironment no_nix_state("NIX_STATE_DIR", std::nullopt);
  TempDir dir("nxcfg");
  std::ofstream(dir / "agent.json") << "{}";
  const auto config = load_agent_config(flags({{"config", (dir / "agent.json").string()}}));
  CHECK(config.socket == "/run/nixtray/agent.sock");
  CHECK(config.state_dir == "/var/lib/nixtray");
  CHECK(config.token_file == "/var/lib/nixtray/token");
  CHECK(config.profile_dir == "/nix/var/nix/profiles");
  CHECK(config.rebuild_command == "nixos-rebuild");
  CHECK_FALSE(config.group);
  CHECK_FALSE(config.tcp);
}

TEST_CASE("the file overrides defaults and flags override the file") {
  TempDir dir("nxcfg");
  std::ofstream(dir / "agent.json") << R"({"state-dir":"/srv/nixtray","group":"wheel","hello-timeout":5})";
  const auto config = load_agent_config(flags({{"config", (dir / "agent.json").string()}, {"group", "users"}}));
  CHECK(config.state_dir == "/srv/nixtray");
  CHECK(config.token_file == "/srv/nixtray/token");
  CHECK(config.group == "users");
  CHECK(config.hello_timeout == std::chrono::seconds(5));
}

TEST_CASE("unknown keys, wrong types and bad JSON are errors naming the key and file") {
  TempDir dir("nxcfg");
  const auto error_for = [&](const std::string& content) -> std::string {
    std::ofstream(dir / "agent.json") << content;
    try {
      (void)load_agent_config(flags({{"config", (dir / "agent.json").string()}}));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK(error_for(R"({"sockt":"/x"})").find("sockt") != std::string::npos);
  CHECK(error_for(R"({"hello-timeout":"soon"})").find("hello-timeout") != std::string::npos);
  CHECK(error_for(R"({"socket":)").find("agent.json") != std::string::npos);
  CHECK(error_for(R"([1,2])").find("object") != std::string::npos);
  CHECK(error_for(R"({"hello-timeout":0})").find("hello-timeout") != std::string::npos);
}

TEST_CASE("every setting is a serve option") {
  const auto options = settings_as_options();
  CHECK(options.size() == settings_schema().size());
  for (const auto* name : {"socket", "group", "tcp", "token-file", "state-dir", "profile-dir", "current-system",
                           "booted-system", "rebuild-command", "activation-log"}) {
    INFO(name);
    CHECK(std::any_of(options.begin(), options.end(), [&](const auto& o) { return o.name == name; }));
  }
}

TEST_CASE("the profile directory follows NIX_STATE_DIR unless the file or a flag names one") {
  TempDir dir("nxcfg");
  std::ofstream(dir / "agent.json") << "{}";
  const auto config_file = (dir / "agent.json").string();
  SECTION("NIX_STATE_DIR set: $NIX_STATE_DIR/profiles") {
    const ScopedEnvironment relocated("NIX_STATE_DIR", "/srv/nix/var/nix/");
    CHECK(load_agent_config(flags({{"config", config_file}})).profile_dir == "/srv/nix/var/nix/profiles");
    SECTION("a flag wins") {
      CHECK(load_agent_config(flags({{"config", config_file}, {"profile-dir", "/elsewhere"}})).profile_dir ==
            "/elsewhere");
    }
    SECTION("the config file wins") {
      std::ofstream(dir / "agent.json") << R"({"profile-dir":"/from/file"})";
      CHECK(load_agent_config(flags({{"config", config_file}})).profile_dir == "/from/file");
    }
  }
  SECTION("NIX_STATE_DIR empty: as if unset") {
    const ScopedEnvironment empty("NIX_STATE_DIR", "");
    CHECK(load_agent_config(flags({{"config", config_file}})).profile_dir == "/nix/var/nix/profiles");
  }
}
