#include "catch.hpp"

#include "core/settings/settings_file.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace nixtray;
using namespace nixtray::tray;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<fs::path> entries(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir)) found.push_back(entry.path().filename());
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

TEST_CASE("settings survive a round trip through the file") {
  testing::TempDir dir("nxs");
  SettingsFile file(dir / "sub" / "settings.json");
  TraySettings settings;
  settings.distro = "work";
  settings.agent = "tcp:127.0.0.1:7428";
  settings.token_file = "/home/alice/.config/nixtray/token";
  settings.connect_starts_distro = false;
  settings.flake = "/etc/nixos#nixos";
  settings.review_rebuild = false;
  settings.auto_verify_after_rebuild = true;
  settings.notifications.unit_failed = false;
  settings.start_at_login = true;
  settings.distro_control = {"command", "start-it", "stop-it", "\"/opt/my tools/is-up\" --quiet", "sudo -n", ""};
  settings.record().known_good = 41;
  settings.record().last_job_seen = "17";
  settings.record().verify_in_progress = VerifyRecord{42, 41, 1717243200, "restarting"};
  settings.distros["NixOS"].known_good = 7;
  file.save(settings);

  const auto loaded = file.load();
  CHECK(loaded.existed);
  CHECK(loaded.warnings.empty());
  const auto& s = loaded.settings;
  CHECK(s.distro == "work");
  CHECK(s.agent == "tcp:127.0.0.1:7428");
  CHECK(s.token_file == "/home/alice/.config/nixtray/token");
  CHECK(s.connect_starts_distro == false);
  CHECK(s.flake == "/etc/nixos#nixos");
  CHECK_FALSE(s.review_rebuild);
  CHECK(s.auto_verify_after_rebuild);
  CHECK_FALSE(s.notifications.unit_failed);
  CHECK(s.notifications.job_failed);
  CHECK(s.start_at_login);
  CHECK(s.distro_control.kind == "command");
  CHECK(s.distro_control.is_running == "\"/opt/my tools/is-up\" --quiet");
  REQUIRE(s.find_record());
  CHECK(s.find_record()->known_good == 41);
  CHECK(s.find_record()->last_job_seen == "17");
  REQUIRE(s.find_record()->verify_in_progress);
  CHECK(s.find_record()->verify_in_progress->expected_generation == 42);
  CHECK(s.find_record()->verify_in_progress->known_good_before == 41);
  CHECK(s.find_record()->verify_in_progress->step == "restarting");
  CHECK(s.distros.at("NixOS").known_good == 7);
  CHECK_FALSE(s.distros.at("NixOS").verify_in_progress);
  // Saving again gives the same bytes.
  file.save(s);
  const auto first = read_file(file.path());
  file.save(file.load().settings);
  CHECK(read_file(file.path()) == first);
}

TEST_CASE("a missing settings file gives the defaults") {
  testing::TempDir dir("nxs");
  const auto loaded = SettingsFile(dir / "settings.json").load();
  CHECK_FALSE(loaded.existed);
  CHECK(loaded.warnings.empty());
  CHECK(loaded.settings.distro == "NixOS");
  CHECK(loaded.settings.review_rebuild);
  CHECK(loaded.settings.notifications.distro_stopped);
}

TEST_CASE("a corrupt settings file is moved aside with a warning and the defaults are used") {
  testing::TempDir dir("nxs");
  const auto path = dir / "settings.json";
  std::ofstream(path) << "{\"distro\": \"work\", \"flake\": ";  // cut off half-way
  const auto loaded = SettingsFile(path).load();
  CHECK(loaded.settings.distro == "NixOS");
  REQUIRE(loaded.warnings.size() == 1);
  CHECK(loaded.warnings[0].find("is not a JSON object") != std::string::npos);
  CHECK(loaded.warnings[0].find("moved it to") != std::string::npos);
  CHECK_FALSE(fs::exists(path));
  const auto files = entries(dir.path());
  REQUIRE(files.size() == 1);
  CHECK(files[0].string().starts_with("settings.json.corrupt-"));
  CHECK(read_file(dir / files[0]) == "{\"distro\": \"work\", \"flake\": ");
}

TEST_CASE("a settings file that is JSON but not an object is corrupt too") {
  testing::TempDir dir("nxs");
  std::ofstream(dir / "settings.json") << "[1, 2, 3]\n";
  const auto loaded = SettingsFile(dir / "settings.json").load();
  CHECK(loaded.warnings.size() == 1);
  CHECK_FALSE(fs::exists(dir / "settings.json"));
}

TEST_CASE("a member of the wrong type is skipped with a warning, the rest is kept") {
  testing::TempDir dir("nxs");
  std::ofstream(dir / "settings.json")
      << R"({"distro": "work", "review_rebuild": "yes", "notifications": {"unit_failed": false, "job_failed": 3},
            "distros": {"work": {"known_good": "forty", "last_job_seen": "9"}, "odd": 5}})";
  const auto loaded = SettingsFile(dir / "settings.json").load();
  CHECK(loaded.settings.distro == "work");
  CHECK(loaded.settings.review_rebuild);  // the default
  CHECK_FALSE(loaded.settings.notifications.unit_failed);
  CHECK(loaded.settings.notifications.job_failed);
  CHECK(loaded.settings.distros.at("work").last_job_seen == "9");
  CHECK_FALSE(loaded.settings.distros.at("work").known_good);
  CHECK(loaded.warnings.size() == 4);
  CHECK(fs::exists(dir / "settings.json"));  // not corrupt: kept in place
}

TEST_CASE("members of a newer version are kept when saving") {
  testing::TempDir dir("nxs");
  std::ofstream(dir / "settings.json") << R"({"distro": "work", "future_feature": {"on": true}})";
  SettingsFile file(dir / "settings.json");
  auto settings = file.load().settings;
  settings.start_at_login = true;
  file.save(settings);
  const auto saved = protocol::json::parse(read_file(dir / "settings.json"));
  CHECK(saved["future_feature"]["on"] == true);
  CHECK(saved["start_at_login"] == true);
  CHECK(saved["version"] == 1);
}

TEST_CASE("saving leaves no temporary file behind") {
  testing::TempDir dir("nxs");
  SettingsFile file(dir / "settings.json");
  for (int i = 0; i < 5; ++i) file.save(TraySettings{});
  CHECK(entries(dir.path()) == std::vector<fs::path>{"settings.json"});
}

TEST_CASE("saving into a place that cannot be written says where and why") {
  testing::TempDir dir("nxs");
  std::ofstream(dir / "file") << "x";
  SettingsFile file(dir / "file" / "settings.json");  // a parent that is a file
  CHECK_THROWS_WITH(file.save(TraySettings{}), Catch::Contains((dir / "file" / "settings.json").string()));
}

#if !defined(_WIN32)
TEST_CASE("the default path follows XDG_CONFIG_HOME, else ~/.config") {
  const char* old_xdg = std::getenv("XDG_CONFIG_HOME");
  const std::string saved = old_xdg ? old_xdg : "";
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg-test", 1);
  CHECK(SettingsFile::default_path() == fs::path("/tmp/xdg-test/nixtray/settings.json"));
  ::setenv("XDG_CONFIG_HOME", "relative/ignored", 1);
  const char* home = std::getenv("HOME");
  CHECK(SettingsFile::default_path() == fs::path(home ? home : "") / ".config" / "nixtray" / "settings.json");
  if (old_xdg) {
    ::setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
  } else {
    ::unsetenv("XDG_CONFIG_HOME");
  }
}
#endif

TEST_CASE("the effective agent address and distro control") {
  TraySettings settings;
#if !defined(_WIN32)
  CHECK(net::to_string(effective_endpoint(settings)) == "unix:/run/nixtray/agent.sock");
  CHECK_FALSE(effective_connect_starts_distro(settings));
  CHECK(effective_distro_control_kind(settings) == "local");
#endif
  settings.agent = "exec:wsl.exe -d NixOS --exec /run/current-system/sw/bin/nixtray-agent bridge";
  settings.connect_starts_distro = true;
  CHECK(effective_endpoint(settings).argv.size() == 6);
  CHECK(effective_connect_starts_distro(settings));
  settings.agent = "bogus";
  CHECK_THROWS_AS(effective_endpoint(settings), std::invalid_argument);
}

TEST_CASE("verify boot after each rebuild is on by default, and a file that says false keeps it off") {
  testing::TempDir dir("nxv");
  const auto path = dir / "settings.json";
  std::ofstream(path) << R"({"version": 1, "distro": "NixOS"})";
  CHECK(SettingsFile(path).load().settings.auto_verify_after_rebuild);
  std::ofstream(path) << R"({"version": 1, "distro": "NixOS", "auto_verify_after_rebuild": false})";
  const auto off = SettingsFile(path).load();
  CHECK(off.warnings.empty());
  CHECK_FALSE(off.settings.auto_verify_after_rebuild);
}
