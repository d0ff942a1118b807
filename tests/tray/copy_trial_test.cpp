// "Try it on a copy" against the wsl.exe stand-in (tests/support/wsl_standin.sh): the copy is
// exported, imported, checked and removed, and the original is never restarted or run in. The
// stand-in's distros have no agent, so the check on the copy fails: the case that must leave the
// original alone. (That a passing check lets the same rebuild go on is the person's next step.)
#include "catch.hpp"

// The stand-in is a shell script: POSIX only.
#if !defined(_WIN32)
#include "run_on_io.hpp"
#include "wsl_standin.hpp"

#include "core/distro/wsl_distro_control.hpp"
#include "core/targets/copy_trial.hpp"
#include "core/verify/verify_progress_view.hpp"

#include <fstream>
#include <regex>
#include <sstream>

using namespace nixtray;
using namespace nixtray::tray;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool any_line(const std::vector<std::string>& lines, const std::string& pattern) {
  const std::regex re(pattern);
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) { return std::regex_search(line, re); });
}

// A distro the stand-in imported from a small tarball (so it has files of its own to export).
struct StandinDistro {
  explicit StandinDistro(const std::string& name) : wsl(fixtures::write_wsl_standin(dir)) {
    fs::create_directories(dir / "src/etc");
    std::ofstream(dir / "src/etc/hostname") << "daily\n";
    REQUIRE(std::system(
                ("tar -cf '" + (dir / "rootfs.tar").string() + "' -C '" + (dir / "src").string() + "' .").c_str()) ==
            0);
    WslDistroControlOptions options;
    options.wsl = wsl.string();
    REQUIRE(
        fixtures::run_on_io(WslDistroControl(options).import_distro({dir / "rootfs.tar", name, dir / "distros" / name}))
            .ok);
    fs::remove(dir / "wsl-state" / "calls");  // what the trial does, from here on

    TraySettings settings;
    settings.name = "daily";
    settings.distro = name;
    settings.agent = wsl_bridge_address(wsl.string(), name);
    settings.distro_control.kind = "wsl";
    settings.distro_control.wsl = wsl.string();
    SessionFlags flags;
    flags.config = dir / "settings.json";
    setup = make_session_setup(flags, SessionUse{"nixtray-test", false, 3s, 10s}, settings);
  }

  [[nodiscard]] std::vector<std::string> calls() const { return read_lines(dir / "wsl-state" / "calls"); }

  testing::TempDir dir{"nxc"};
  fs::path wsl;
  SessionSetup setup;
};

CopyTrialRequest request_into(const fs::path& folder) {
  CopyTrialRequest request;
  request.rebuild.mode = protocol::RebuildMode::boot;
  request.boot_timeout = 3s;
  request.folder = folder;
  return request;
}

}  // namespace

TEST_CASE("try on a copy: exported, imported, checked and removed, and a failure there leaves the original alone") {
  StandinDistro daily("NixOS-daily");
  std::vector<std::string> seen;
  CopyTrialObserver observer;
  observer.on_step = [&](const TrialStep& step) {
    seen.push_back(step.name + ":" + std::string(to_string(step.status)));
  };
  const auto report = fixtures::run_on_io(try_on_copy(daily.setup, request_into(daily.dir / "trial"), observer));
  INFO(format_copy_trial_report(report));

  CHECK(report.copy == "NixOS-daily-nixtray-trial");
  CHECK(seen == std::vector<std::string>{"export:running", "export:ok", "import:running", "import:ok",
                                         "rebuild and verify:running", "rebuild and verify:failed", "remove:running",
                                         "remove:ok"});
  REQUIRE(report.check);
  CHECK_FALSE(report.passed);
  CHECK(copy_trial_exit_code(report) == 1);
  CHECK(report.message.find("so NixOS-daily was not changed") != std::string::npos);
  // The window's paragraph is a catalogue sentence with the distro as data and the check's
  // headline nested (translated too); the text keeps the check's whole English paragraph.
  CHECK(report.said.format == "The rebuild or its boot verification failed on the copy, so %1$s was not changed: %2$s");
  CHECK(report.said.args.front() == "NixOS-daily");
  REQUIRE(report.said.nested.size() == 1);
  CHECK(report.said.nested.front() == verify_headline(*report.check));
  CHECK(report.message.ends_with(report.check->message));
  REQUIRE(report.steps.size() == 4);
  const auto& checked = report.steps[2];
  CHECK(checked.name == "rebuild and verify");
  CHECK(checked.said == verify_headline(*report.check));
  CHECK(checked.message == report.check->message);
  CHECK(report.removed);
  CHECK_FALSE(fs::exists(daily.dir / "trial"));

  const auto calls = daily.calls();
  const auto tar = (daily.dir / "trial" / "NixOS-daily.tar").string();
  CHECK(any_line(calls, "^--export NixOS-daily " + tar + "$"));
  CHECK(any_line(calls, "^--import NixOS-daily-nixtray-trial " + (daily.dir / "trial" / "disk").string() + " " + tar +
                            " --version 2$"));
  CHECK(any_line(calls, "^-d NixOS-daily-nixtray-trial "));  // the check reached for the copy
  CHECK(any_line(calls, "^--unregister NixOS-daily-nixtray-trial$"));
  // The original: exported, and nothing else (no command in it, no restart, no unregister).
  CHECK_FALSE(any_line(calls, "(-d|--terminate|--unregister) NixOS-daily( |$)"));
  const auto distros = read_lines(daily.dir / "wsl-state" / "distros");
  CHECK_FALSE(any_line(distros, "trial"));
  CHECK(fs::exists(daily.dir / "distros" / "NixOS-daily" / "rootfs" / "etc" / "hostname"));
  // The copy's records went to its own file, which went with it: the original's file is untouched.
  CHECK_FALSE(fs::exists(daily.dir / "settings.json"));
}

TEST_CASE("try on a copy: a copy of that name left over stops it before anything is exported") {
  StandinDistro daily("NixOS-daily");
  std::ofstream(daily.dir / "wsl-state" / "distros", std::ios::app)
      << "NixOS-daily-nixtray-trial\t" << (daily.dir / "left-over").string() << "\n";
  const auto report = fixtures::run_on_io(try_on_copy(daily.setup, request_into(daily.dir / "trial")));
  CHECK_FALSE(report.check);
  CHECK(copy_trial_exit_code(report) == 2);
  CHECK(report.message.find("has a distro named NixOS-daily-nixtray-trial already") != std::string::npos);
  CHECK(report.said.args == std::vector<std::string>{"NixOS-daily-nixtray-trial"});
  CHECK(report.said.english() == report.message);
  CHECK_FALSE(any_line(daily.calls(), "^--(export|import|unregister)"));
}

TEST_CASE("try on a copy: only a WSL target can be copied") {
  testing::TempDir dir("nxc");
  TraySettings settings;
  settings.name = "server";
  settings.agent = "unix:" + (dir / "agent.sock").string();
  settings.distro_control.kind = "local";
  SessionFlags flags;
  flags.config = dir / "settings.json";
  const auto setup = make_session_setup(flags, SessionUse{}, settings);
  const auto report = fixtures::run_on_io(try_on_copy(setup, request_into(dir / "trial")));
  CHECK(report.steps.empty());
  CHECK(copy_trial_exit_code(report) == 2);
  CHECK(report.message.find("not controlled with wsl.exe") != std::string::npos);
}
#endif
