// The console of the miniature distro (tests/verify/mini-distro-standin `console`, the stand-in for
// `wsl.exe -d NixOS -- ARGV`): it logs in as the booted generation's default user through that
// user's login shell, with the generation's /etc/profile, and starts user@UID.service as WSL does.
// What a verify's console step relies on: a good generation answers; a generation whose login
// shell does not exist or whose /etc/profile fails does not, with the shell's (or WSL's) own words.
#include "catch.hpp"
#include "mini_distro.hpp"

#include "nixtray/testing/timeouts.hpp"

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Boots `spec` as the next generation (restarting the distro when it runs).
void boot(MiniDistro& distro, const SystemSpec& spec) {
  const int number = distro.add_generation(spec);
  if (distro.running()) distro.stop();
  distro.start();
  REQUIRE(distro.agent_status()["generations"]["booted"] == number);
}

json unit(const MiniDistro& distro, const std::string& name) {
  const auto units = distro.agent_call("units.list")["result"]["units"];
  for (const auto& u : units) {
    if (u["name"] == name) return u;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("console of a good generation: the default user's login shell runs the command, its session starts") {
  MiniDistro distro;
  boot(distro, distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)"));

  const auto result = distro.console({"echo", "nixtray-console-ok", "it's quoted"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 0);
  CHECK(result.out == "nixtray-console-ok it's quoted\n");
  CHECK(result.err.find("Failed to start the systemd user session") == std::string::npos);
  // The login started root's session, as WSL does; the agent names the unit to look for.
  const auto status = distro.agent_status();
  REQUIRE(status["default_user"].is_object());
  CHECK(status["default_user"]["name"] == "root");
  CHECK(status["default_user"]["uid"] == 0);
  CHECK(status["default_user"]["shell"] == "/run/current-system/sw/bin/sh");
  CHECK(status["default_user"]["session_unit"] == "user@0.service");
  REQUIRE(wait_until([&] { return unit(distro, "user@0.service").is_object(); }, scaled(10s), 50ms));
  CHECK(unit(distro, "user@0.service")["active_state"] == "active");

  // A login shell: it read the generation's /etc/profile, not the host's.
  auto profiled = distro.good_generation("24.11.20241202.bbbbbbb (Vicuna)");
  profiled.etc_files["profile"] = "export NIXTRAY_PROFILE_READ=generation-profile\n";
  boot(distro, profiled);
  const auto login = distro.console({"printenv", "NIXTRAY_PROFILE_READ"});
  INFO(login.describe());
  CHECK(login.exit_code() == 0);
  CHECK(login.out == "generation-profile\n");
}

TEST_CASE("console as a default user the host has: it runs with that user's uid, home and shell") {
  MiniDistro distro;
  auto spec = distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)");
  spec.wsl_conf = "[boot]\nsystemd=true\n\n[user]\ndefault=nobody\n";
  spec.etc_files["passwd"] +=
      "nobody:x:65534:65534:nobody:" + distro.home("root").string() + ":/run/current-system/sw/bin/sh\n";
  boot(distro, spec);

  const auto result = distro.console({"id", "-u"});
  INFO(result.describe());
  REQUIRE(result.exit_code() == 0);
  CHECK(result.out == "65534\n");
  const auto user = distro.agent_status()["default_user"];
  CHECK(user["name"] == "nobody");
  CHECK(user["session_unit"] == "user@65534.service");
  REQUIRE(wait_until([&] { return unit(distro, "user@65534.service").is_object(); }, scaled(10s), 50ms));
  CHECK(unit(distro, "user@65534.service")["active_state"] == "active");
}

TEST_CASE("console of a generation whose login shell does not exist: WSL's execvpe error, exit 1") {
  MiniDistro distro;
  auto spec = distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)");
  spec.etc_files["passwd"] =
      "root:x:0:0:System administrator:" + distro.home("root").string() + ":/run/current-system/sw/bin/zsh\n";
  boot(distro, spec);

  const auto result = distro.console({"echo", "nixtray-console-ok"});
  INFO(result.describe());
  CHECK(result.exit_code() == 1);
  CHECK(result.out.find("nixtray-console-ok") == std::string::npos);
  CHECK(result.err.find("execvpe(/run/current-system/sw/bin/zsh) failed") != std::string::npos);
  // The agent knows whom a console logs in as, and with which shell.
  CHECK(distro.agent_status()["default_user"]["shell"] == "/run/current-system/sw/bin/zsh");
}

TEST_CASE("console of a generation whose /etc/profile exits non-zero: the shell's own output and exit code") {
  MiniDistro distro;
  auto spec = distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)");
  spec.etc_files["profile"] = "echo 'set-environment: cannot set up PATH' >&2\nexit 3\n";
  boot(distro, spec);

  const auto result = distro.console({"echo", "nixtray-console-ok"});
  INFO(result.describe());
  CHECK(result.exit_code() == 3);
  CHECK(result.out.find("nixtray-console-ok") == std::string::npos);
  CHECK(result.err.find("set-environment: cannot set up PATH") != std::string::npos);
}

TEST_CASE("console of a generation whose user session fails: WSL's warning, the login goes on, the unit failed") {
  MiniDistro distro;
  auto spec = distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)");
  spec.units["user@.service"] =
      "[Unit]\nDescription=User Manager for UID %i (fails)\n\n[Service]\nType=oneshot\nExecStart=/bin/false\n";
  boot(distro, spec);

  const auto result = distro.console({"echo", "nixtray-console-ok"});
  INFO(result.describe());
  CHECK(result.exit_code() == 0);
  CHECK(result.out == "nixtray-console-ok\n");
  CHECK(result.err.find("Failed to start the systemd user session for 'root'") != std::string::npos);
  REQUIRE(wait_until([&] { return unit(distro, "user@0.service").is_object(); }, scaled(10s), 50ms));
  CHECK(unit(distro, "user@0.service")["active_state"] == "failed");
}
