// The WSL distro control: the wsl.exe argv it builds (portable), and, on POSIX, its whole logic
// against the stand-in wsl.exe of tests/support/wsl_standin.sh, which follows the real one's
// documented output (UTF-16LE lists, --terminate, --exec). The Wine tests (tests/windows) run it against a
// Windows stand-in too.
#include "catch.hpp"

#include "core/distro/wsl_distro_control.hpp"

#include <optional>

using namespace nixtray;
using namespace nixtray::tray;

TEST_CASE("wsl commands name the distro, and run inside it by --exec or through the login shell") {
  WslDistroControlOptions options;
  options.distro = "NixOS";
  options.wsl = "C:\\Windows\\System32\\wsl.exe";
  CHECK(wsl_exec_command(options, true, {"/run/current-system/sw/bin/nixtray-agent", "token"}) ==
        std::vector<std::string>{"C:\\Windows\\System32\\wsl.exe", "-d", "NixOS", "-u", "root", "--exec",
                                 "/run/current-system/sw/bin/nixtray-agent", "token"});
  options.through_login_shell = true;
  CHECK(wsl_exec_command(options, false, {"/bin/sh", "-c", "true"}) ==
        std::vector<std::string>{"C:\\Windows\\System32\\wsl.exe", "-d", "NixOS", "--", "/bin/sh", "-c", "true"});
}

TEST_CASE("a console is opened as a person opens one: -u USER and --, never --exec") {
  WslDistroControlOptions options;
  options.distro = "NixOS-2";
  options.wsl = "wsl.exe";
  CHECK(wsl_console_command(options, std::string("alice"), {"echo", "nixtray-console-0123"}) ==
        std::vector<std::string>{"wsl.exe", "-d", "NixOS-2", "-u", "alice", "--", "echo", "nixtray-console-0123"});
  // No default user known: WSL's registered one.
  CHECK(wsl_console_command(options, std::nullopt, {"echo", "x"}) ==
        std::vector<std::string>{"wsl.exe", "-d", "NixOS-2", "--", "echo", "x"});
}

TEST_CASE("a terminal opens in Windows Terminal when it is installed, else in a wsl.exe console") {
  CHECK(wsl_terminal_command("wsl.exe", "NixOS", "C:\\Users\\u\\AppData\\Local\\Microsoft\\WindowsApps\\wt.exe") ==
        std::vector<std::string>{"C:\\Users\\u\\AppData\\Local\\Microsoft\\WindowsApps\\wt.exe", "-w", "0", "new-tab",
                                 "--title", "NixOS", "wsl.exe", "-d", "NixOS"});
  CHECK(wsl_terminal_command("wsl.exe", "NixOS", "") == std::vector<std::string>{"wsl.exe", "-d", "NixOS"});
}

TEST_CASE("the settings choose the distro, the wsl.exe and the login-shell way, the command line wins") {
  TraySettings settings;
  settings.distro = "NixOS-test";
  settings.distro_control.wsl = "D:\\stand-in\\wsl.exe";
  auto options = wsl_control_options(settings);
  CHECK(options.distro == "NixOS-test");
  CHECK(options.wsl == "D:\\stand-in\\wsl.exe");
  CHECK_FALSE(options.through_login_shell);
  CHECK(options.terminal.back() == "NixOS-test");
  options = wsl_control_options(settings, "E:\\other\\wsl.exe", true);
  CHECK(options.wsl == "E:\\other\\wsl.exe");
  CHECK(options.through_login_shell);
}

#if !defined(_WIN32)
#include "nixtray/testing/temp_dir.hpp"
#include "run_on_io.hpp"

#include "wsl_standin.hpp"

namespace {

namespace asio = net::asio;
using fixtures::write_wsl_standin;

template <class T>
T run(asio::awaitable<T> work) {
  return fixtures::run_on_io(std::move(work));
}

}  // namespace

TEST_CASE("with a stand-in wsl.exe: stopped, started, running, terminated, and a missing distro") {
  testing::TempDir dir("nxt");
  WslDistroControlOptions options;
  options.wsl = write_wsl_standin(dir).string();
  WslDistroControl control(options);

  CHECK(run(control.is_running()).state == RunningState::stopped);
  const auto started = run(control.start());
  INFO(started.message);
  CHECK(started.ok);
  CHECK(run(control.is_running()).state == RunningState::running);
  CHECK(run(control.terminate()).ok);
  CHECK(run(control.is_running()).state == RunningState::stopped);
  CHECK(run(control.start()).ok);
  CHECK(control.can_shut_down_all());
  CHECK(run(control.shutdown_all()).ok);
  CHECK(run(control.is_running()).state == RunningState::stopped);

  options.distro = "Ubuntu";
  WslDistroControl missing(options);
  const auto probe = run(missing.is_running());
  CHECK(probe.state == RunningState::missing);
  CHECK(probe.detail.find("Ubuntu") != std::string::npos);
  // wsl.exe's own complaint arrives in UTF-16LE on stdout: the message shows it readable.
  const auto refused = run(missing.run_as_root({"/bin/true"}));
  CHECK_FALSE(refused.ok);
  CHECK(refused.message.find("There is no distribution with the supplied name.") != std::string::npos);
}

TEST_CASE("with a stand-in wsl.exe: a root command's argv arrives word for word, no shell") {
  testing::TempDir dir("nxt");
  WslDistroControlOptions options;
  options.wsl = write_wsl_standin(dir).string();
  WslDistroControl control(options);
  const auto result = run(control.run_as_root({"/bin/echo", "$HOME;ls", "two  words", "*"}));
  CHECK(result.ok);
  CHECK(result.output == "$HOME;ls two  words *\n");
}
#endif
