// The WSL distro control: the wsl.exe argv it builds (portable), and, on POSIX, its whole logic
// against a stand-in wsl.exe written as a shell script that follows the real one's documented
// output (UTF-16LE lists, --terminate, --exec). The Wine tests (tests/windows) run it against a
// Windows stand-in too.
#include "catch.hpp"

#include "core/wsl_distro_control.hpp"

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
#include "run_on_io.hpp"
#include "scratch_dir.hpp"

#include <sys/stat.h>

#include <fstream>

namespace {

namespace asio = net::asio;

template <class T>
T run(asio::awaitable<T> work) {
  return fixtures::run_on_io(std::move(work));
}

// A stand-in for wsl.exe (a test stand-in, not WSL), after its documented behaviour: lists in
// UTF-16LE with CRLF, `--list --running --quiet` prints nothing when nothing runs, an unknown
// distro is refused with a message on stdout, --exec runs the argv without a shell.
std::filesystem::path write_wsl_standin(const fixtures::ScratchDir& dir) {
  const auto script = dir / "wsl-standin";
  std::ofstream out(script);
  out << "#!/bin/sh\n"
         "state='" << (dir / "running").string() << "'\n"
         "utf16() { printf '%s' \"$1\" | iconv -f UTF-8 -t UTF-16LE; }\n"
         "case \"$1\" in\n"
         "  --list)\n"
         "    if [ \"$2\" = --running ]; then\n"
         "      [ -e \"$state\" ] || exit 0\n"
         "      utf16 \"NixOS\r\n\"\n"
         "    else\n"
         "      utf16 \"Debian\r\nNixOS\r\n\r\n\"\n"
         "    fi ;;\n"
         "  --terminate|--shutdown) rm -f \"$state\" ;;\n"
         "  -d)\n"
         "    [ \"$2\" = NixOS ] || { utf16 \"There is no distribution with the supplied name.\r\n\"; exit 1; }\n"
         "    shift 2\n"
         "    [ \"$1\" = -u ] && shift 2\n"
         "    shift\n"
         "    touch \"$state\"\n"
         "    exec \"$@\" ;;\n"
         "  *) exit 2 ;;\n"
         "esac\n";
  out.close();
  ::chmod(script.c_str(), 0755);
  return script;
}

}  // namespace

TEST_CASE("with a stand-in wsl.exe: stopped, started, running, terminated, and a missing distro") {
  fixtures::ScratchDir dir;
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
  fixtures::ScratchDir dir;
  WslDistroControlOptions options;
  options.wsl = write_wsl_standin(dir).string();
  WslDistroControl control(options);
  const auto result = run(control.run_as_root({"/bin/echo", "$HOME;ls", "two  words", "*"}));
  CHECK(result.ok);
  CHECK(result.output == "$HOME;ls two  words *\n");
}
#endif
