// "Install NixOS" and "Add the agent" from the tray: the request's checks and the wsl.exe argv
// (portable), and on POSIX the whole installation against the stand-in wsl.exe of
// tests/support/wsl_standin.sh with real tarballs: a nixos.wsl image, a legacy rootfs that needs
// its first activation, a taken name, a broken archive, and the rebuild that adds the agent.
#include "catch.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include "core/distro/process_runner.hpp"
#include "core/distro/wsl_list_parser.hpp"
#include "core/onboarding/agent_install_rebuild.hpp"
#include "core/onboarding/nixos_installer.hpp"

#include <algorithm>
#include <fstream>
#include <thread>

using namespace nixtray;
using namespace nixtray::tray;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& problem : problems) {
    if (problem.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("an image's kind comes from its name, as WSL decides") {
  CHECK(nixos_image_kind("C:\\Users\\me\\Downloads\\nixos.wsl") == NixosImageKind::wsl);
  CHECK(nixos_image_kind("nixos.WSL") == NixosImageKind::wsl);
  CHECK(nixos_image_kind("nixos-wsl.tar.gz") == NixosImageKind::legacy_tarball);
  CHECK(nixos_image_kind("nixos-wsl-installer.tar.gz") == NixosImageKind::legacy_installer);
  CHECK(nixos_image_kind("nixos-wsl.tgz") == NixosImageKind::legacy_tarball);
  CHECK(nixos_image_kind("rootfs.tar") == NixosImageKind::legacy_tarball);
  CHECK(nixos_image_kind("nixos.zip") == NixosImageKind::unknown);
  CHECK(nixos_image_kind("nixos.wsl.part") == NixosImageKind::unknown);
}

TEST_CASE("distro names follow WSL's rule") {
  CHECK(valid_distro_name("NixOS"));
  CHECK(valid_distro_name("NixOS-24.11_test"));
  CHECK_FALSE(valid_distro_name(""));
  CHECK_FALSE(valid_distro_name("Nix OS"));
  CHECK_FALSE(valid_distro_name("NixOS;calc.exe"));
  CHECK_FALSE(valid_distro_name("..\\NixOS"));
}

TEST_CASE("an import request is checked before anything runs, every problem named") {
  testing::TempDir dir("nxt");
  write_file(dir / "nixos.wsl", "image");
  write_file(dir / "nixos.zip", "image");
  write_file(dir / "used" / "ext4.vhdx", "disk");
  const std::vector<std::string> existing{"Debian", "NixOS"};

  CHECK(check_nixos_import({dir / "nixos.wsl", "NixOS-2", dir / "new"}, existing).empty());
  fs::create_directory(dir / "empty");
  CHECK(check_nixos_import({dir / "nixos.wsl", "NixOS-2", dir / "empty"}, existing).empty());

  const auto taken = check_nixos_import({dir / "nixos.wsl", "nixos", dir / "new"}, existing);
  REQUIRE(taken.size() == 1);
  CHECK(taken[0] == "WSL already has a distro named nixos: pick another name.");

  const auto all_wrong = check_nixos_import({dir / "missing.wsl", "bad name", dir / "used"}, existing);
  REQUIRE(all_wrong.size() == 3);
  CHECK(all_wrong[0].find("There is no file") == 0);
  CHECK(all_wrong[1].find("cannot be a distro name") != std::string::npos);
  CHECK(all_wrong[2].find("is not an empty folder") != std::string::npos);

  CHECK(mentions(check_nixos_import({dir / "nixos.zip", "N", dir / "new"}, existing), "is not a NixOS-WSL image"));
  CHECK(mentions(check_nixos_import({"", "N", dir / "new"}, existing), "Pick the NixOS-WSL image"));
  CHECK(mentions(check_nixos_import({dir / "nixos.wsl", "N", ""}, existing), "Pick a folder"));
  CHECK(mentions(check_nixos_import({dir / "nixos.wsl", "N", dir / "nixos.wsl"}, existing), "is not an empty folder"));
}

TEST_CASE("the import is wsl.exe --import, version 2, the paths as given") {
  // Paths from the dialog are Unicode; the argv carries them as UTF-8.
  const NixosImportRequest request{fs::path(u8"C:\\Users\\Ana María\\Downloads\\nixos.wsl"), "NixOS",
                                   fs::path(u8"C:\\Users\\Ana María\\WSL\\NixOS")};
  CHECK(wsl_import_command("wsl.exe", request) ==
        std::vector<std::string>{"wsl.exe", "--import", "NixOS", "C:\\Users\\Ana María\\WSL\\NixOS",
                                 "C:\\Users\\Ana María\\Downloads\\nixos.wsl", "--version", "2"});
  const auto folder = default_distro_folder("NixOS-2");
  CHECK(folder.filename() == "NixOS-2");
  CHECK(folder.parent_path().filename() == "distros");
  CHECK(folder.parent_path().parent_path().filename() == "nixtray");
}

TEST_CASE("the newest NixOS-WSL image in Downloads is offered, nothing else") {
  testing::TempDir dir("nxt");
  CHECK_FALSE(find_downloaded_nixos_image(dir / "no-such-folder"));
  write_file(dir / "ubuntu.wsl", "x");
  write_file(dir / "notes.txt", "x");
  CHECK_FALSE(find_downloaded_nixos_image(dir.path()));
  write_file(dir / "nixos-wsl.tar.gz", "x");
  fs::last_write_time(dir / "nixos-wsl.tar.gz", fs::file_time_type::clock::now() - std::chrono::hours(48));
  write_file(dir / "nixos (1).wsl", "x");
  fs::last_write_time(dir / "nixos (1).wsl", fs::file_time_type::clock::now() - std::chrono::hours(1));
  fs::create_directory(dir / "nixos.wsl.d");
  const auto found = find_downloaded_nixos_image(dir.path());
  REQUIRE(found);
  CHECK(found->filename() == "nixos (1).wsl");
}

TEST_CASE("the rebuild that adds the agent is nixos-rebuild switch inside the distro, with the flake") {
  TraySettings settings;
  CHECK(agent_install_rebuild_command(settings) ==
        std::vector<std::string>{"/run/current-system/sw/bin/nixos-rebuild", "switch"});
  settings.flake = "/etc/nixos#nixos";
  CHECK(agent_install_rebuild_command(settings) ==
        std::vector<std::string>{"/run/current-system/sw/bin/nixos-rebuild", "switch", "--flake", "/etc/nixos#nixos"});
}

#if !defined(_WIN32)
#include "run_on_io.hpp"
#include "wsl_standin.hpp"

namespace {

// The wsl.exe stand-in's record of what ran (Linux only: the stand-in is a shell script).
std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A miniature NixOS-WSL root file system, packed as WSL wants it: a real shell at /bin/sh (what
// the tray's start runs), and for a legacy image the profile's activation, which leaves a mark.
fs::path pack_image(const testing::TempDir& dir, const std::string& file_name, bool legacy) {
  const auto root = dir / ("image-of-" + file_name);
  fs::create_directories(root / "bin");
  fs::copy_file("/bin/sh", root / "bin" / "sh", fs::copy_options::overwrite_existing);
  if (legacy) {
    const auto activate = root / "nix/var/nix/profiles/system/activate";
    write_file(activate,
               "#!/bin/sh\nmkdir -p \"$NIXTRAY_WSL_STANDIN_ROOT/run\"\n"
               "touch \"$NIXTRAY_WSL_STANDIN_ROOT/run/activated\"\n");
    fs::permissions(activate, fs::perms::owner_all, fs::perm_options::add);
  }
  auto image = dir / file_name;
  const auto packed = fixtures::run_on_io(run_process({"/bin/tar", "-czf", image.string(), "-C", root.string(), "."}));
  REQUIRE(packed.ok());
  return image;
}

struct Installation {
  std::vector<InstallStep> seen;
  NixosInstallReport report;
};

Installation install(const fs::path& wsl, const NixosImportRequest& request) {
  WslDistroControlOptions options;
  options.wsl = wsl.string();
  Installation installation;
  installation.report = fixtures::run_on_io(
      install_nixos(options, request, [&](const InstallStep& step) { installation.seen.push_back(step); }));
  return installation;
}

std::vector<std::string> step_names(const NixosInstallReport& report) {
  std::vector<std::string> names;
  for (const auto& step : report.steps) {
    names.push_back(std::string(to_string(step.name)) + ":" +
                    (step.state == InstallStepState::done     ? "done"
                     : step.state == InstallStepState::failed ? "failed"
                                                              : "running"));
  }
  return names;
}

std::vector<std::string> distros_of(const fs::path& wsl) {
  WslDistroControlOptions options;
  options.wsl = wsl.string();
  WslDistroControl control(options);
  const auto listed = fixtures::run_on_io(control.list_distros());
  REQUIRE(listed.ok);
  std::vector<std::string> names;
  for (const auto& distro : parse_wsl_list(listed.output)) names.push_back(distro.name);
  return names;
}

}  // namespace

TEST_CASE("with a stand-in wsl.exe: nixos.wsl is imported, started, and runs") {
  testing::TempDir dir("nxt");
  const auto wsl = fixtures::write_wsl_standin(dir);
  const auto image = pack_image(dir, "nixos.wsl", false);

  const auto installed = install(wsl, {image, "NixOS-new", dir / "distros" / "NixOS-new"});
  INFO(installed.report.failure());
  CHECK(installed.report.ok);
  CHECK(step_names(installed.report) == std::vector<std::string>{"check:done", "import:done", "start:done"});
  REQUIRE(installed.seen.size() == 6);  // each step seen running, then done
  CHECK(installed.seen[2].state == InstallStepState::running);
  CHECK(installed.seen[2].detail.find("--import NixOS-new") != std::string::npos);
  CHECK(distros_of(wsl) == std::vector<std::string>{"Debian", "NixOS", "NixOS-new"});
  CHECK(fs::exists(dir / "distros/NixOS-new/rootfs/bin/sh"));

  WslDistroControlOptions options;
  options.wsl = wsl.string();
  options.distro = "nixos-NEW";
  CHECK(fixtures::run_on_io(WslDistroControl(options).is_running()).state == RunningState::running);
}

TEST_CASE(
    "with a stand-in wsl.exe: legacy tarballs start through the login shell, a rootfs after its first activation") {
  testing::TempDir dir("nxt");
  const auto wsl = fixtures::write_wsl_standin(dir);
  const auto image = pack_image(dir, "nixos-wsl.tar.gz", true);

  const auto installed = install(wsl, {image, "NixOS-old", dir / "old"});
  INFO(installed.report.failure());
  CHECK(installed.report.ok);
  CHECK(step_names(installed.report) ==
        std::vector<std::string>{"check:done", "import:done", "activate:done", "start:done"});
  CHECK(installed.report.steps[2].detail.find("-u root --exec /nix/var/nix/profiles/system/activate") !=
        std::string::npos);
  CHECK(installed.report.steps[3].detail.find("-d NixOS-old -- /bin/sh -c true") != std::string::npos);
  CHECK(fs::exists(dir / "old/rootfs/run/activated"));

  // The installer tarball has nothing to activate: its first start through the login shell unpacks.
  const auto installer = pack_image(dir, "nixos-wsl-installer.tar.gz", false);
  const auto unpacked = install(wsl, {installer, "NixOS-installer", dir / "installer"});
  INFO(unpacked.report.failure());
  CHECK(step_names(unpacked.report) == std::vector<std::string>{"check:done", "import:done", "start:done"});
  CHECK(unpacked.report.steps[2].detail.find("-d NixOS-installer -- /bin/sh -c true") != std::string::npos);
}

TEST_CASE("with a stand-in wsl.exe: a taken name stops before the import, a broken archive at it") {
  testing::TempDir dir("nxt");
  const auto wsl = fixtures::write_wsl_standin(dir);
  const auto image = pack_image(dir, "nixos.wsl", false);

  const auto taken = install(wsl, {image, "nixos", dir / "taken"});
  CHECK_FALSE(taken.report.ok);
  CHECK(step_names(taken.report) == std::vector<std::string>{"check:failed"});
  CHECK(taken.report.failure() == "WSL already has a distro named nixos: pick another name.");
  CHECK_FALSE(fs::exists(dir / "taken"));

  write_file(dir / "broken.wsl", std::string(4096, 'x'));
  const auto broken = install(wsl, {dir / "broken.wsl", "NixOS-broken", dir / "broken"});
  CHECK_FALSE(broken.report.ok);
  CHECK(step_names(broken.report) == std::vector<std::string>{"check:done", "import:failed"});
  CHECK(broken.report.failure().find("The imported file is not a valid tar archive.") != std::string::npos);
  CHECK(distros_of(wsl) == std::vector<std::string>{"Debian", "NixOS"});
}

TEST_CASE(
    "with a stand-in wsl.exe: the rebuild that adds the agent runs nixos-rebuild as root, and says when there is "
    "none") {
  testing::TempDir dir("nxt");
  const auto wsl = fixtures::write_wsl_standin(dir);
  const auto image = pack_image(dir, "nixos.wsl", false);
  REQUIRE(install(wsl, {image, "NixOS-new", dir / "new"}).report.ok);
  WslDistroControlOptions options;
  options.wsl = wsl.string();
  options.distro = "NixOS-new";
  TraySettings settings;
  settings.flake = "/etc/nixos#nixos";

  const auto missing = fixtures::run_on_io(run_agent_install_rebuild(options, settings));
  CHECK_FALSE(missing.ok);
  CHECK(missing.message.find("nixos-rebuild") != std::string::npos);
  CHECK(missing.message.find("No such file or directory") != std::string::npos);

  // nixos-rebuild's stand-in inside the distro: prints its arguments, reports on stderr as the real one does.
  const auto rebuild = dir / "new/rootfs/run/current-system/sw/bin/nixos-rebuild";
  write_file(rebuild, "#!/bin/sh\necho \"nixos-rebuild $*\"\necho 'activating the configuration...' >&2\n");
  fs::permissions(rebuild, fs::perms::owner_all, fs::perm_options::add);
  const auto done = fixtures::run_on_io(run_agent_install_rebuild(options, settings));
  INFO(done.message);
  CHECK(done.ok);
  CHECK(done.output == "nixos-rebuild switch --flake /etc/nixos#nixos\nactivating the configuration...\n");
  // As a console runs it: root, through the login shell (`--`, not `--exec`), so NIX_PATH is set.
  const auto runs = read_lines(dir / "wsl-state" / "runs");
  CHECK(std::count(runs.begin(), runs.end(), "root -- /run/current-system/sw/bin/nixos-rebuild") == 2);

  // A flake the login shell would split is refused before wsl.exe runs.
  settings.flake = "/home/me/my config#nixos";
  const auto refused = fixtures::run_on_io(run_agent_install_rebuild(options, settings));
  CHECK_FALSE(refused.ok);
  CHECK(refused.message.find("login shell") != std::string::npos);
  CHECK(read_lines(dir / "wsl-state" / "runs").size() == runs.size());
}
#endif
