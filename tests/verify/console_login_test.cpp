// The console step's judgement of a login, without a distro: the marker must come back as a line
// of its own with exit 0; otherwise the shell's own words are the evidence.
#include "catch.hpp"

#include "core/verify/console_login.hpp"

using namespace nixtray::tray;

namespace {

ProcessOutcome exited(int code, std::string out, std::string err = {}) {
  ProcessOutcome outcome;
  outcome.argv = {"wsl.exe", "-d", "NixOS", "--", "echo", "m"};
  outcome.started = true;
  outcome.exit_code = code;
  outcome.out = std::move(out);
  outcome.err = std::move(err);
  return outcome;
}

}  // namespace

TEST_CASE("a marker is new for each check and one plain word") {
  const auto a = new_console_marker();
  const auto b = new_console_marker();
  CHECK(a != b);
  CHECK(a.rfind("nixtray-console-", 0) == 0);
  CHECK(a.size() == std::string("nixtray-console-").size() + 16);
  CHECK(console_marker_argv(a) == std::vector<std::string>{"echo", a});
}

TEST_CASE("a login passes when the marker comes back as a line with exit 0") {
  const std::string marker = "nixtray-console-00ff";
  CHECK(judge_console_login(exited(0, "Welcome!\r\n" + marker + "\r\n"), marker, "alice").passed);
  // Exit 0 without the marker: the shell did not run the command (a profile that exec's something else).
  const auto silent = judge_console_login(exited(0, "Welcome!\n"), marker, "alice");
  CHECK_FALSE(silent.passed);
  CHECK(silent.message.find("alice cannot log in") == 0);
  CHECK(silent.cause.find("lacks the marker") != std::string::npos);
  // The marker inside another line (an echo of the command line) does not count.
  CHECK_FALSE(judge_console_login(exited(0, "+ echo " + marker + "\n"), marker, "alice").passed);
}

TEST_CASE("a failed login carries the shell's own words: stderr first, then stdout, the last lines") {
  const std::string marker = "nixtray-console-00ff";
  const auto missing = judge_console_login(
      exited(1, "",
             "<3>WSL (1) ERROR: CreateProcessEntryCommon: execvpe(/run/current-system/sw/bin/zsh) failed: "
             "No such file or directory\n"),
      marker, "alice");
  CHECK_FALSE(missing.passed);
  CHECK(missing.cause.find("execvpe(/run/current-system/sw/bin/zsh) failed") != std::string::npos);
  CHECK(missing.message.find("alice cannot log in: the login exited with 1: ") == 0);
  REQUIRE(missing.lines.size() == 1);

  std::string noisy;
  for (int i = 0; i < 50; ++i) noisy += "line " + std::to_string(i) + "\n";
  const auto profile = judge_console_login(exited(3, noisy, "set-environment: cannot set up PATH\n"), marker, "");
  CHECK(profile.cause == "set-environment: cannot set up PATH");
  CHECK(profile.message.find("the default user cannot log in: the login exited with 3") == 0);
  REQUIRE(profile.lines.size() == 20);
  CHECK(profile.lines.front() == "set-environment: cannot set up PATH");
  CHECK(profile.lines[1] == "line 31");  // then stdout's last lines
  CHECK(profile.lines.back() == "line 49");
}

TEST_CASE("a login that hangs or cannot start says so") {
  ProcessOutcome hung = exited(0, "");
  hung.exit_code.reset();
  hung.timed_out = true;
  const auto timed_out = judge_console_login(hung, "m", "alice");
  CHECK_FALSE(timed_out.passed);
  CHECK(timed_out.message == "alice cannot log in: the login did not finish in time");

  ProcessOutcome not_started;
  not_started.error = "cannot start wsl.exe: No such file or directory";
  const auto absent = judge_console_login(not_started, "m", "alice");
  CHECK_FALSE(absent.passed);
  CHECK(absent.message ==
        "alice cannot log in: the console could not be opened: cannot start wsl.exe: No such file "
        "or directory");
}

TEST_CASE("only a plain user name goes to wsl.exe -u") {
  for (const char* good : {"alice", "root", "nix_user-2", "first.last", "Admin"}) CHECK(valid_user_name(good));
  for (const char* bad :
       {"", "--exec", "-u", "a b", "alice;ls", "al\"ice", "x\ny", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    INFO(bad);
    CHECK_FALSE(valid_user_name(bad));
  }
}

TEST_CASE("last_lines keeps the last non-empty lines without their CR") {
  CHECK(last_lines("a\r\n\nb\nc", 2) == std::vector<std::string>{"b", "c"});
  CHECK(last_lines("", 3).empty());
}
