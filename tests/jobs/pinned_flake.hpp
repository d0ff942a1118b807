// A flake whose one input moves, for the update flow's tests against a real agent (the agent's
// jobs, nixtrayctl and the tray's session): a git repository of pinned system specs (the input)
// and a configuration that reads the system it builds through its flake.lock, fetching the
// locked revision as Nix fetches a flake input (what nixos-rebuild --flake DIR#laptop builds
// here: the stand-in reads DIR/laptop.nix).
#pragma once

#include "catch.hpp"
#include "jobs_fixture.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/text_file.hpp"

#include <filesystem>
#include <string>

namespace nixtray::testing {

struct PinnedFlake {
  // A JobsFixture whose Nix has flakes on (the jobs' `nix flake update`).
  static JobsFixtureOptions options() {
    JobsFixtureOptions options;
    options.flakes = true;
    return options;
  }

  std::filesystem::path pins;
  std::filesystem::path config;

  explicit PinnedFlake(JobsFixture& f) : pins(f.store_dir.path() / "pins"), config(f.store_dir.path() / "config") {
    f.store->write_configuration(pins, "laptop", toy_system_spec("24.11.20241230.1111111 (Vicuna)", "2.12.2"));
    run_checked({"/usr/bin/git", "init", "-q", "-b", "main", pins.string()});
    commit("hello 2.12.2");
    f.store->write_configuration(config, "unused", toy_system_spec("24.11.20241230.1111111 (Vicuna)", "2.12.2"));
    write_text(config / "flake.nix", "{\n  inputs.pins = { url = \"git+file://" + pins.string() +
                                         "\"; flake = false; };\n  outputs = { self, pins }: { };\n}\n");
    write_text(config / "laptop.nix",
               "let\n  lock = builtins.fromJSON (builtins.readFile ./flake.lock);\n"
               "  pins = builtins.fetchTree lock.nodes.pins.locked;\n"
               "in builtins.head (import ./generations.nix { specFile = \"${pins}/laptop.json\"; })\n");
    const auto locked = f.store->nix(
        {"nix", "--extra-experimental-features", "nix-command flakes", "flake", "update", config.string()});
    REQUIRE(locked.ok());
  }

  void commit(const std::string& message) const {
    run_checked({"/usr/bin/git", "-C", pins.string(), "add", "-A"});
    run_checked({"/usr/bin/git", "-C", pins.string(), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit",
                 "-q", "-m", message});
  }
  [[nodiscard]] std::string head() const {
    auto rev = run_checked({"/usr/bin/git", "-C", pins.string(), "rev-parse", "HEAD"}).out;
    rev.erase(rev.find_last_not_of('\n') + 1);
    return rev;
  }
  void move_to(JobsFixture& f, const std::string& hello_version) const {
    f.store->write_configuration(pins, "laptop", toy_system_spec("24.11.20241231.2222222 (Vicuna)", hello_version));
    commit("hello " + hello_version);
  }
  [[nodiscard]] std::string lock() const { return read_text(config / "flake.lock"); }
  [[nodiscard]] std::string reference() const { return config.string() + "#laptop"; }
};

}  // namespace nixtray::testing
