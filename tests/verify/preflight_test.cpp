// Pre-flight on generations made of plain directories (no Nix here: the store-paths check against
// a real store is in verify_boot_test.cpp): each check, and the verdict they add up to.
#include "catch.hpp"

#include "verify/preflight.hpp"

#include "nixtray/testing/temp_dir.hpp"

#include <filesystem>
#include <fstream>

using namespace nixtray::agent;
using nixtray::protocol::CheckStatus;
using nixtray::protocol::PreflightVerdict;
namespace fs = std::filesystem;

namespace {

struct PlainGeneration {
  nixtray::testing::TempDir dir{"nxv-pre"};
  fs::path root = dir / "gen";

  PlainGeneration() {
    for (const auto* d : {"bin", "sw/bin", "etc", "systemd/lib/systemd"}) fs::create_directories(root / d);
    for (const auto* script : {"init", "activate", "bin/switch-to-configuration"}) write(script, "#!/bin/sh\n", true);
    fs::create_symlink("/bin/true", root / "systemd/lib/systemd/systemd");
    fs::create_symlink("/bin/sh", root / "sw/bin/sh");
    fs::create_symlink("/bin/true", root / "sw/bin/nixtray-agent");
    fs::create_symlink("/bin/sh", root / "sw/bin/zsh");
    write("etc/wsl.conf", "[boot]\nsystemd=true\n[user]\ndefault=alice\n");
    std::ofstream(dir / "passwd") << "root:x:0:0::/root:/bin/sh\n"
                                  << "alice:x:1000:100::/home/alice:/run/current-system/sw/bin/zsh\n";
    fs::create_directories(dir / "profiles");
    fs::create_symlink(root, dir / "profiles" / "system-7-link");
  }

  void write(const std::string& relative, const std::string& text, bool executable = false) {
    std::ofstream(root / relative) << text;
    if (executable)
      fs::permissions(root / relative, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  }

  nixtray::protocol::PreflightResult check() {
    PreflightInput input;
    input.number = 7;
    input.link = dir / "profiles" / "system-7-link";
    input.store.store_dir = dir / "store";
    input.store.state_dir = dir / "var";
    input.live_passwd = dir / "passwd";
    return run_preflight(input);
  }
};

const nixtray::protocol::PreflightCheck& find(const nixtray::protocol::PreflightResult& result,
                                              const std::string& name) {
  for (const auto& check : result.checks) {
    if (check.name == name) return check;
  }
  FAIL("no check " << name);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("pre-flight of a complete generation: everything ok but the store paths it cannot check here") {
  PlainGeneration generation;
  const auto result = generation.check();
  INFO(nixtray::protocol::json(result).dump(2));
  CHECK(result.number == 7);
  for (const auto* name : {"store-path", "init", "activate", "systemd", "shell", "switch-to-configuration", "wsl-conf",
                           "default-user", "user-shell", "agent"}) {
    CHECK(find(result, name).status == CheckStatus::ok);
  }
  CHECK(find(result, "store-paths").status == CheckStatus::unknown);
  CHECK(result.verdict == PreflightVerdict::warn);  // unknown is never a pass
  CHECK(find(result, "user-shell").message.find("/run/current-system/sw/bin/zsh") != std::string::npos);
}

TEST_CASE("pre-flight refuses a generation without init, a broken systemd, or a wsl.conf without systemd") {
  PlainGeneration generation;
  SECTION("no init") {
    fs::remove(generation.root / "init");
    const auto result = generation.check();
    CHECK(result.verdict == PreflightVerdict::refuse);
    CHECK(find(result, "init").status == CheckStatus::fail);
    CHECK(find(result, "init").message.find("has no init") != std::string::npos);
  }
  SECTION("a dangling systemd") {
    fs::remove(generation.root / "systemd/lib/systemd/systemd");
    fs::create_symlink("/nonexistent/systemd", generation.root / "systemd/lib/systemd/systemd");
    const auto result = generation.check();
    CHECK(result.verdict == PreflightVerdict::refuse);
    CHECK(find(result, "systemd").message.find("/nonexistent/systemd, which does not exist") != std::string::npos);
  }
  SECTION("init that is not executable") {
    fs::permissions(generation.root / "init", fs::perms::owner_read | fs::perms::owner_write);
    CHECK(find(generation.check(), "init").status == CheckStatus::fail);  // no x bit: not even root may run it
  }
  SECTION("wsl.conf: systemd off, an unparsable line, a bad boolean, a bad user") {
    generation.write("etc/wsl.conf",
                     "[boot]\nsystemd=false\nnonsense\n[interop]\nenabled=maybe\n[user]\ndefault=Bad User\n");
    const auto result = generation.check();
    CHECK(result.verdict == PreflightVerdict::refuse);
    const auto& message = find(result, "wsl-conf").message;
    CHECK(message.find("systemd is not true") != std::string::npos);
    CHECK(message.find("line 3") != std::string::npos);
    CHECK(message.find("enabled = maybe is not true or false") != std::string::npos);
    CHECK(message.find("is not a valid user name") != std::string::npos);
  }
  SECTION("a default user missing from the generation's own passwd") {
    generation.write("etc/passwd", "root:x:0:0::/root:/bin/sh\n");
    const auto result = generation.check();
    CHECK(result.verdict == PreflightVerdict::refuse);
    CHECK(find(result, "default-user").status == CheckStatus::fail);
  }
  SECTION("the store path is gone") {
    fs::rename(generation.root, generation.dir / "gone");
    const auto result = generation.check();
    CHECK(result.verdict == PreflightVerdict::refuse);
    CHECK(find(result, "store-path").status == CheckStatus::fail);
    CHECK(find(result, "init").status == CheckStatus::unknown);
  }
}

TEST_CASE("pre-flight warns, without refusing, for what could still boot") {
  PlainGeneration generation;
  SECTION("no nixtray agent") {
    fs::remove(generation.root / "sw/bin/nixtray-agent");
    const auto result = generation.check();
    CHECK(result.verdict == PreflightVerdict::warn);
    CHECK(find(result, "agent").status == CheckStatus::warn);
    CHECK(find(result, "agent").message.find("sw/bin/nixtray-agent") != std::string::npos);
  }
  SECTION("a user not yet in the running system's passwd (NixOS adds users at activation)") {
    generation.write("etc/wsl.conf", "[boot]\nsystemd=true\n[user]\ndefault=bob\n");
    const auto result = generation.check();
    CHECK(result.verdict == PreflightVerdict::warn);
    CHECK(find(result, "default-user").status == CheckStatus::warn);
    CHECK(find(result, "user-shell").status == CheckStatus::unknown);
  }
  SECTION("the user's current shell is not in the new generation") {
    fs::remove(generation.root / "sw/bin/zsh");
    const auto result = generation.check();
    CHECK(result.verdict == PreflightVerdict::warn);
    CHECK(find(result, "user-shell").status == CheckStatus::warn);
  }
  SECTION("no wsl.conf at all") {
    fs::remove(generation.root / "etc/wsl.conf");
    CHECK(find(generation.check(), "wsl-conf").status == CheckStatus::warn);
  }
}

TEST_CASE("the verdict: any failure refuses, any warning or unknown warns") {
  using nixtray::protocol::PreflightCheck;
  CHECK(verdict_of({{"a", CheckStatus::ok, ""}}) == PreflightVerdict::pass);
  CHECK(verdict_of({{"a", CheckStatus::ok, ""}, {"b", CheckStatus::unknown, ""}}) == PreflightVerdict::warn);
  CHECK(verdict_of({{"a", CheckStatus::warn, ""}, {"b", CheckStatus::fail, ""}}) == PreflightVerdict::refuse);
}
