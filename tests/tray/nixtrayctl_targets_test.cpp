// nixtrayctl's targets: added, listed with the state of each, chosen with --target, removed.
#include "catch.hpp"
#include "link_fixtures.hpp"
#include "nixtrayctl_run.hpp"

#include "core/settings/settings_file.hpp"

#include "nixtray/testing/process_runner.hpp"

#include <fstream>

using namespace nixtray;
using namespace nixtray::tray::fixtures;
using protocol::json;

namespace {

testing::ProcessResult nixtrayctl(const testing::TempDir& home, std::vector<std::string> args) {
  args.insert(args.begin(), {"--timeout", "5"});
  return testing::run_nixtrayctl(home, args);
}

const json* by_name(const json& list, const std::string& name) {
  for (const auto& item : list) {
    if (item["name"] == name) return &item;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("nixtrayctl adds targets, lists each with its state, and --target chooses one") {
  PlainDistro first_distro;
  PlainDistro second_distro;
  second_distro.profile.add(2, "24.11.20241201.bbbbbbb (Vicuna)");
  second_distro.profile.set_default(2);
  testing::TestAgent first(first_distro.agent_options());
  testing::TestAgent second(second_distro.agent_options());
  testing::TempDir home("nxt");

  auto added = nixtrayctl(home, {"--agent", "unix:" + first.socket().string(), "add-target", "first", "--default"});
  INFO(added.describe());
  REQUIRE(added.exit_code() == 0);
  added = nixtrayctl(
      home, {"--agent", "exec:\"" + testing::agent_binary().string() + "\" bridge --socket " + second.socket().string(),
             "--distro", "Second", "add-target", "second"});
  REQUIRE(added.exit_code() == 0);
  added = nixtrayctl(home, {"--agent", "unix:" + (home / "nothing.sock").string(), "add-target", "gone", "--no-watch"});
  REQUIRE(added.exit_code() == 0);

  SECTION("listed, each with its own state") {
    const auto listed = nixtrayctl(home, {"targets", "--json"});
    INFO(listed.describe());
    REQUIRE(listed.exit_code() == 0);
    const auto list = json::parse(listed.out);
    // The defaults the file had before (the NixOS target), and the three added.
    REQUIRE(list.size() == 4);
    const auto* f = by_name(list, "first");
    const auto* s = by_name(list, "second");
    const auto* g = by_name(list, "gone");
    REQUIRE(f);
    REQUIRE(s);
    REQUIRE(g);
    CHECK((*f)["default"] == true);
    CHECK((*f)["connected"] == true);
    CHECK((*s)["connected"] == true);
    CHECK((*s)["distro"] == "Second");
    CHECK((*g)["watch"] == false);
    CHECK((*g)["condition"] == "unreachable");
    const auto text = nixtrayctl(home, {"targets"});
    CHECK(text.out.find("* first\n") != std::string::npos);
    CHECK(text.out.find("(not watched)") != std::string::npos);
  }
  SECTION("--target chooses which one a command talks to") {
    const auto status = nixtrayctl(home, {"--target", "second", "status", "--json"});
    INFO(status.describe());
    REQUIRE(status.exit_code() == 0);
    CHECK(json::parse(status.out)["status"]["generations"]["default"] == 2);
    const auto by_default = nixtrayctl(home, {"status", "--json"});
    REQUIRE(by_default.exit_code() == 0);
    CHECK(json::parse(by_default.out)["status"]["generations"]["default"] == 1);
    const auto unknown = nixtrayctl(home, {"--target", "third", "status"});
    CHECK(unknown.exit_code() == 64);
    CHECK(unknown.err.find("its targets are NixOS, first, second, gone") != std::string::npos);
  }
  SECTION("a name is taken once, a bad address is refused before saving, a target can be removed") {
    const auto twice = nixtrayctl(home, {"add-target", "first"});
    CHECK(twice.exit_code() == 1);
    CHECK(twice.err.find("already") != std::string::npos);
    const auto bad = nixtrayctl(home, {"--agent", "bogus", "add-target", "bad"});
    CHECK(bad.exit_code() == 64);
    CHECK(tray::SettingsFile(home / "settings.json").load().document.find("bad") == nullptr);
    REQUIRE(nixtrayctl(home, {"remove-target", "gone"}).exit_code() == 0);
    const auto document = tray::SettingsFile(home / "settings.json").load().document;
    CHECK(document.names() == "NixOS, first, second");
    CHECK(nixtrayctl(home, {"remove-target", "gone"}).exit_code() == 1);
  }
}

// The stand-in is a shell script: POSIX only.
#if !defined(_WIN32)
#include "wsl_standin.hpp"

TEST_CASE("nixtrayctl discover adds the WSL distro whose agent answers, and the new target reaches it") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  testing::TempDir home("nxt");
  const auto wsl = write_wsl_standin(home);
  // NixOS-work: a distro of the stand-in whose nixtray-agent relays `bridge` to the test agent.
  const auto root = home / "work";
  const auto bin = root / "run/current-system/sw/bin";
  std::filesystem::create_directories(bin);
  std::ofstream(bin / "nixtray-agent") << "#!/bin/sh\n[ \"$1\" = bridge ] && exec '" << testing::agent_binary().string()
                                       << "' bridge --socket '" << agent.socket().string()
                                       << "'\necho 'nixtray-agent 0.1.0'\n";
  std::filesystem::permissions(bin / "nixtray-agent", std::filesystem::perms::owner_all);
  std::filesystem::create_directories(home / "wsl-state" / "running");
  std::ofstream(home / "wsl-state" / "distros") << "Debian\t-\nNixOS-work\t" << root.string() << "\n";
  std::ofstream(home / "wsl-state" / "running" / "NixOS-work").close();

  const auto found = nixtrayctl(home, {"--wsl", wsl.string(), "discover", "--json"});
  INFO(found.describe());
  REQUIRE(found.exit_code() == 0);
  const auto listed = json::parse(found.out);
  REQUIRE(listed["distros"].size() == 2);
  CHECK(listed["distros"][1]["distro"] == "NixOS-work");
  CHECK(listed["distros"][1]["agent"] == "nixtray-agent 0.1.0");
  CHECK(listed["added"].empty());
  CHECK(tray::SettingsFile(home / "settings.json").load().document.find("NixOS-work") == nullptr);

  const auto added = nixtrayctl(home, {"--wsl", wsl.string(), "discover", "--add"});
  INFO(added.describe());
  REQUIRE(added.exit_code() == 0);
  CHECK(added.out.find("added target NixOS-work\n") != std::string::npos);
  CHECK(added.out.find("Debian: stopped (not started to look inside)") != std::string::npos);
  const auto status = nixtrayctl(home, {"--target", "NixOS-work", "status", "--json"});
  INFO(status.describe());
  REQUIRE(status.exit_code() == 0);
  CHECK(json::parse(status.out)["status"]["generations"]["default"] == 1);
  // Found again, it is a target now: not offered twice.
  const auto again = nixtrayctl(home, {"--wsl", wsl.string(), "discover", "--json"});
  CHECK(json::parse(again.out)["distros"].size() == 1);
}
#endif
