// Verify-boot's console and session steps end to end: nixtrayctl (tray/core's BootVerifier) logs in
// to the miniature distro as WSL would (mini-distro-standin `console`, the stand-in for
// `wsl.exe -d NixOS -- ARGV`) after the restart. A generation whose login breaks after pre-flight
// passed it (its /etc/profile fails; its user session fails) is rolled back to the known-good one,
// and the agent keeps the failure, with its step, for every client (verify.get).
#include "catch.hpp"
#include "mini_distro.hpp"

#include "nixtray/testing/timeouts.hpp"

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

bool any_line_has(const json& lines, const std::string& text) {
  for (const auto& line : lines) {
    if (line.get<std::string>().find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE(
    "a generation whose /etc/profile fails at login: verify fails at console, rolled back to the known-good one") {
  MiniDistro distro;
  distro.boot_known_good_two();
  auto broken = distro.good_generation("24.11.20241220.ccccccc (Vicuna)");
  broken.etc_files["profile"] = "echo 'set-environment: cannot set up PATH' >&2\nexit 3\n";
  REQUIRE(distro.add_generation(broken) == 3);

  const auto result = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 1);  // failed, rolled back to a generation that then booted
  const auto report = parse_output(result);
  CHECK(report["verdict"] == "failed");
  CHECK(report["failed_step"] == "console");
  CHECK(report["recovery"] == "recovered");
  CHECK(report["preflight"]["verdict"] == "pass");  // nothing a look at the files could have seen
  CHECK(report["booted_generation"] == 3);
  CHECK(report["rolled_back_to"] == 2);
  CHECK(report["recovery_booted_generation"] == 2);
  // The shell's own words are the evidence, and the headline says who cannot log in.
  const auto* console = find_step(report, "console");
  REQUIRE(console);
  CHECK((*console)["status"] == "failed");
  CHECK((*console)["message"].get<std::string>().find("exited with 3") != std::string::npos);
  CHECK(any_line_has((*console)["lines"], "set-environment: cannot set up PATH"));
  CHECK(report["message"].get<std::string>().find("generation 3 started, but root cannot log in: "
                                                  "set-environment: cannot set up PATH") != std::string::npos);
  CHECK(find_step(report, "session") == nullptr);  // after a failed login there is no session to look for
  // The rollback's boot logs in.
  const auto* recovered = find_step(report, "console", "recover");
  REQUIRE(recovered);
  CHECK((*recovered)["status"] == "ok");

  // The agent keeps the failure (recorded from the boot after the rollback), with its step.
  REQUIRE(report["verification"].is_object());
  CHECK(report["verification"]["state"] == "failed");
  CHECK(report["verification"]["step"] == "console");
  CHECK(report["verification"]["evidence"].is_object());
  const auto status = distro.agent_status();
  CHECK(status["generations"]["booted"] == 2);
  CHECK(status["generations"]["default"] == 2);
  CHECK(status["generations"]["known_good"] == 2);
  const auto got = distro.agent_call("verify.get", {{"generation", 3}})["result"];
  CHECK(got["state"] == "failed");
  CHECK(got["step"] == "console");
  CHECK(got["reason"].get<std::string>().find("cannot log in") != std::string::npos);
  // The stand-in was asked for consoles: one per boot checked.
  int consoles = 0;
  for (const auto& line : distro.control_log()) consoles += line == "console begin" ? 1 : 0;
  CHECK(consoles == 2);
}

TEST_CASE("a generation whose user session fails: verify fails at session, naming user@0.service") {
  MiniDistro distro;
  distro.boot_known_good_two();
  auto broken = distro.good_generation("24.11.20241220.ccccccc (Vicuna)");
  broken.units["user@.service"] =
      "[Unit]\nDescription=User Manager for UID %i (fails)\n\n[Service]\nType=oneshot\nExecStart=/bin/false\n";
  REQUIRE(distro.add_generation(broken) == 3);

  const auto result = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(result.describe() << "\n" << distro.diagnostics());
  REQUIRE(result.exit_code() == 1);
  const auto report = parse_output(result);
  CHECK(report["failed_step"] == "session");
  CHECK((*find_step(report, "console"))["status"] == "ok");  // WSL only warns and lets the login go on
  const auto* session = find_step(report, "session");
  REQUIRE(session);
  CHECK((*session)["status"] == "failed");
  CHECK((*session)["message"] == "user@0.service (the systemd session of root) is failed (exit-code)");
  CHECK(report["message"].get<std::string>().find("the systemd session of root did not come up") != std::string::npos);
  CHECK(report["recovery"] == "recovered");
  CHECK(distro.agent_status()["generations"]["booted"] == 2);
  CHECK(distro.agent_call("verify.get", {{"generation", 3}})["result"]["step"] == "session");
}
