// The command-based distro control runs real programs (coreutils) from argv, without a shell.
// POSIX only: the Windows build runs commands through tray/platform/win.
#include "catch.hpp"

#if !defined(_WIN32)
#include "nixtray/testing/temp_dir.hpp"
#include "run_on_io.hpp"

#include "core/distro/command_distro_control.hpp"
#include "core/distro/local_distro_control.hpp"
#include "core/distro/process_runner.hpp"

#include <fstream>
#include <optional>

using namespace nixtray;
using namespace nixtray::tray;
namespace asio = net::asio;

namespace {

template <class T>
T run(asio::awaitable<T> work) {
  return fixtures::run_on_io(std::move(work));
}

CommandDistroControl control(const std::string& start, const std::string& stop, const std::string& is_running,
                             const std::string& exec_as_root,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  return CommandDistroControl(parse_distro_commands(start, stop, is_running, exec_as_root), {timeout});
}

}  // namespace

TEST_CASE("distro commands split on whitespace, double quotes group, no shell rules") {
  const auto commands =
      parse_distro_commands(R"("C:\Program Files\WSL\wsl.exe" --terminate NixOS)", "wsl.exe  --terminate\tNixOS",
                            R"(test -e "/tmp/a b")", R"(wsl.exe -d NixOS -u root --exec)");
  CHECK(commands.start == std::vector<std::string>{R"(C:\Program Files\WSL\wsl.exe)", "--terminate", "NixOS"});
  CHECK(commands.stop == std::vector<std::string>{"wsl.exe", "--terminate", "NixOS"});
  CHECK(commands.is_running == std::vector<std::string>{"test", "-e", "/tmp/a b"});
  CHECK(commands.exec_as_root == std::vector<std::string>{"wsl.exe", "-d", "NixOS", "-u", "root", "--exec"});
  CHECK(commands.terminal.empty());

  const auto quoted = parse_distro_commands(R"(echo "say \"hi\"" 'single' $HOME;ls)", "", "", "");
  CHECK(quoted.start == std::vector<std::string>{"echo", R"(say "hi")", "'single'", "$HOME;ls"});
}

TEST_CASE("an open quote is a usage error naming the option") {
  CHECK_THROWS_WITH(parse_distro_commands("true", "wsl.exe \"--terminate", "", ""), Catch::Contains("--stop"));
}

TEST_CASE("start and stop run their commands, a failure says which command and why") {
  auto ok = control("/bin/true", "/bin/true", "", "");
  CHECK(ok.has_lifecycle());
  CHECK(run(ok.start()).ok);
  CHECK(run(ok.terminate()).ok);

  auto failing = control("/bin/false", "/bin/ls /nonexistent-nixtray-path", "", "");
  const auto started = run(failing.start());
  CHECK_FALSE(started.ok);
  CHECK(started.exit_code == 1);
  CHECK(started.message == "`/bin/false` exited with 1");
  const auto stopped = run(failing.terminate());
  CHECK_FALSE(stopped.ok);
  CHECK(stopped.message.find("exited with 2") != std::string::npos);
  CHECK(stopped.message.find("nonexistent-nixtray-path") != std::string::npos);  // the stderr line
}

TEST_CASE("a command that does not exist cannot be started, and says so") {
  auto missing = control("/nonexistent/nixtray-start", "", "", "");
  const auto result = run(missing.start());
  CHECK_FALSE(result.ok);
  CHECK(result.message.find("could not be started") != std::string::npos);
}

TEST_CASE("a command that hangs is stopped at its timeout") {
  auto slow = control("/bin/sleep 30", "", "", "", std::chrono::milliseconds(200));
  const auto result = run(slow.start());
  CHECK_FALSE(result.ok);
  CHECK(result.message.find("did not finish in time") != std::string::npos);
}

TEST_CASE("is-running exits 0 when the distro runs") {
  testing::TempDir dir("nxc");
  const auto flag = (dir / "running").string();
  auto probe = control("", "", "/usr/bin/test -e \"" + flag + "\"", "");
  CHECK_FALSE(probe.has_lifecycle());
  CHECK(run(probe.is_running()).state == RunningState::stopped);
  std::ofstream(flag) << "";
  CHECK(run(probe.is_running()).state == RunningState::running);

  auto none = control("", "", "", "");
  const auto unknown = run(none.is_running());
  CHECK(unknown.state == RunningState::unknown);
  CHECK(unknown.detail == "no is-running command is configured");
}

TEST_CASE("exec-as-root is a prefix, the argv is appended word for word, never through a shell") {
  auto exec = control("", "", "", "/usr/bin/env NIXTRAY_PREFIX=1");
  const auto result = run(exec.run_as_root({"/bin/echo", "$HOME;ls", "two words", "*"}));
  REQUIRE(result.ok);
  CHECK(result.output == "$HOME;ls two words *\n");

  const auto env = run(exec.run_as_root({"/usr/bin/printenv", "NIXTRAY_PREFIX"}));
  CHECK(env.output == "1\n");

  auto none = control("", "", "", "");
  CHECK(run(none.run_as_root({"/bin/true"})).message == "no exec-as-root command is configured");
}

TEST_CASE("console is a prefix too: the argv appended word for word, both streams and the exit code kept") {
  auto commands = parse_distro_commands("", "", "", "", "", "/usr/bin/env NIXTRAY_CONSOLE=1");
  CHECK(commands.console == std::vector<std::string>{"/usr/bin/env", "NIXTRAY_CONSOLE=1"});
  CommandDistroControl with_console(commands);
  CHECK(with_console.has_console());
  ConsoleRequest request;
  request.user = "alice";  // the prefix logs in as the distro's default user: not passed on
  request.argv = {"/bin/sh", "-c", "echo \"$NIXTRAY_CONSOLE\" \"$0\"; echo oops >&2; exit 3", "$HOME;ls"};
  const auto outcome = run(with_console.console(request));
  CHECK(outcome.exit_code == 3);
  CHECK(outcome.out == "1 $HOME;ls\n");
  CHECK(outcome.err == "oops\n");

  request.argv = {"/bin/sleep", "5"};
  request.timeout = std::chrono::milliseconds(200);
  CHECK(run(with_console.console(request)).timed_out);

  CommandDistroControl none(parse_distro_commands("", "", "", ""));
  CHECK_FALSE(none.has_console());
  const auto missing = run(none.console(ConsoleRequest{}));
  CHECK_FALSE(missing.started);
  CHECK(missing.error == "no console command is configured");
  CHECK_THROWS_WITH(parse_distro_commands("", "", "", "", "", "\"open"), Catch::Contains("--console"));
}

TEST_CASE("what a failing root command printed is kept") {
  auto exec = control("", "", "", "/usr/bin/env");
  const auto result = run(exec.run_as_root({"/bin/sh", "-c", "echo partial; exit 3"}));
  CHECK_FALSE(result.ok);
  CHECK(result.exit_code == 3);
  CHECK(result.output == "partial\n");
}

TEST_CASE("without configured commands, start and terminal say what is missing") {
  auto none = control("", "", "", "");
  CHECK(run(none.start()).message == "no command is configured to start the distro");
  CHECK(run(none.open_terminal()).message == "no terminal command is configured");
}

TEST_CASE("a terminal is launched detached") {
  CommandDistroCommands commands;
  commands.terminal = {"/bin/true"};
  CommandDistroControl with_terminal(commands);
  CHECK(run(with_terminal.open_terminal()).ok);
  commands.terminal = {"/nonexistent/terminal"};
  CommandDistroControl broken(commands);
  const auto result = run(broken.open_terminal());
  CHECK_FALSE(result.ok);
  CHECK(result.message.find("cannot start /nonexistent/terminal") != std::string::npos);
}

TEST_CASE("the local control has no lifecycle and always runs") {
  LocalDistroControl local;
  CHECK_FALSE(local.has_lifecycle());
  CHECK(run(local.is_running()).state == RunningState::running);
  const auto start = run(local.start());
  CHECK_FALSE(start.ok);
  CHECK(start.message.find("no distro to start") != std::string::npos);
}

TEST_CASE("process output beyond the limit is dropped, not buffered") {
  ProcessOptions options;
  options.max_output_bytes = 10;
  const auto outcome = run(run_process({"/bin/echo", "0123456789abcdef"}, options));
  CHECK(outcome.ok());
  CHECK(outcome.out == "0123456789");
}

#endif
