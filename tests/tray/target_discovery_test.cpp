// Finding the WSL distros to add as targets, against the wsl.exe stand-in
// (tests/support/wsl_standin.sh): running distros are looked into for the agent, stopped ones are
// not started to look, and distros a target watches are not offered again.
#include "catch.hpp"

// The stand-in is a shell script: POSIX only.
#if !defined(_WIN32)
#include "run_on_io.hpp"
#include "wsl_standin.hpp"

#include "core/targets/target_discovery.hpp"

#include <sys/stat.h>

#include <fstream>

using namespace nixtray;
using namespace nixtray::tray;
namespace fs = std::filesystem;

namespace {

// A distro of the stand-in made of a folder; with `agent`, a nixtray-agent that answers --version.
void add_distro(const testing::TempDir& dir, const std::string& name, bool agent, bool running) {
  const auto root = dir / "roots" / name;
  fs::create_directories(root / "etc");
  if (agent) {
    const auto bin = root / "run/current-system/sw/bin";
    fs::create_directories(bin);
    std::ofstream(bin / "nixtray-agent") << "#!/bin/sh\necho \"nixtray-agent 0.1.0 ($*)\"\n";
    ::chmod((bin / "nixtray-agent").c_str(), 0755);
  }
  fs::create_directories(dir / "wsl-state" / "running");
  std::ofstream(dir / "wsl-state" / "distros", std::ios::app) << name << "\t" << root.string() << "\n";
  if (running) std::ofstream(dir / "wsl-state" / "running" / name).close();
}

std::string calls(const testing::TempDir& dir) {
  std::ifstream in(dir / "wsl-state" / "calls");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("discovery offers the distros no target watches, with the agent where it answers") {
  testing::TempDir dir("nxd");
  const auto wsl = fixtures::write_wsl_standin(dir);
  fs::create_directories(dir / "wsl-state");
  std::ofstream(dir / "wsl-state" / "distros") << "NixOS\t-\n";
  add_distro(dir, "Ubuntu", false, true);
  add_distro(dir, "NixOS-work", true, true);
  add_distro(dir, "NixOS-old", true, false);

  SettingsDocument document;
  TraySettings daily;
  daily.name = "daily";
  daily.distro = "nixos";  // WSL compares names without case
  daily.distro_control.kind = "wsl";
  document.targets.push_back(daily);
  TraySettings taken;  // a target that has the name, but watches something else
  taken.name = "NixOS-work";
  taken.agent = "unix:/nowhere.sock";
  taken.distro_control.kind = "local";
  document.targets.push_back(taken);

  WslDistroControlOptions options;
  options.wsl = wsl.string();
  const auto discovery = fixtures::run_on_io(discover_wsl_distros(options, document));
  INFO(calls(dir));
  REQUIRE(discovery.ok);
  REQUIRE(discovery.distros.size() == 3);
  CHECK(discovery.distros[0].distro == "Ubuntu");
  CHECK(discovery.distros[0].running);
  CHECK_FALSE(discovery.distros[0].agent);
  CHECK_FALSE(discovery.distros[0].worth_adding());
  CHECK(discovery.distros[1].distro == "NixOS-work");
  CHECK(discovery.distros[1].agent == "nixtray-agent 0.1.0 (--version)");
  CHECK(discovery.distros[2].distro == "NixOS-old");
  CHECK_FALSE(discovery.distros[2].running);
  CHECK_FALSE(discovery.distros[2].agent);
  CHECK(discovery.distros[2].worth_adding());
  // The stopped distro was not started to look inside it.
  CHECK(calls(dir).find("-d NixOS-old") == std::string::npos);
  CHECK_FALSE(fs::exists(dir / "wsl-state" / "running" / "NixOS-old"));

  const auto target = target_for_distro(discovery.distros[1], document, wsl.string());
  CHECK(target.name == "NixOS-work-2");
  CHECK(target.distro == "NixOS-work");
  CHECK(target.agent == wsl_bridge_address(wsl.string(), "NixOS-work"));
  CHECK(target.distro_control.kind == "wsl");
  CHECK(target.watch);
}

TEST_CASE("discovery says why when wsl.exe cannot list the distros") {
  testing::TempDir dir("nxd");
  WslDistroControlOptions options;
  options.wsl = (dir / "no-wsl.exe").string();
  const auto discovery = fixtures::run_on_io(discover_wsl_distros(options, SettingsDocument{}));
  CHECK_FALSE(discovery.ok);
  CHECK(discovery.problem.find("wsl.exe could not list the distros") != std::string::npos);
  CHECK(discovery.distros.empty());
}

#endif
