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
  std::ofstream(dir / "settings.json") << R"({"version": 3, "future_feature": {"on": true}, "default_target": "work",
      "targets": [{"name": "work", "distro": "work", "future_member": 7}]})";
  SettingsFile file(dir / "settings.json");
  auto settings = file.load().settings;
  CHECK(settings.target_name() == "work");
  settings.start_at_login = true;
  file.save(settings);
  const auto saved = protocol::json::parse(read_file(dir / "settings.json"));
  CHECK(saved["future_feature"]["on"] == true);
  CHECK(saved["targets"][0]["future_member"] == 7);
  CHECK(saved["start_at_login"] == true);
  CHECK_FALSE(saved["targets"][0].contains("start_at_login"));  // the tray's, not a target's
  CHECK(saved["version"] == 2);
}

TEST_CASE("a single-distro settings file migrates to one target with everything it held") {
  testing::TempDir dir("nxs");
  const auto path = dir / "settings.json";
  std::ofstream(path) << R"({"version": 1, "distro": "work", "agent": "tcp:127.0.0.1:7428", "flake": "/etc/nixos#w",
      "start_at_login": true, "notifications": {"unit_failed": false}, "future_feature": 1,
      "distros": {"work": {"known_good": 41, "last_job_seen": "17",
                           "verify_in_progress": {"expected_generation": 42, "known_good_before": 41,
                                                  "started": 1717243200, "step": "restarting"}},
                  "NixOS": {"known_good": 7}}})";
  SettingsFile file(path);
  const auto loaded = file.load();
  CHECK(loaded.warnings.empty());
  REQUIRE(loaded.document.targets.size() == 1);
  const auto& target = loaded.document.targets[0];
  CHECK(target.target_name() == "work");
  CHECK(target.watch);
  CHECK(loaded.document.default_settings().target_name() == "work");
  CHECK(loaded.document.start_at_login);
  CHECK(target.start_at_login);
  CHECK(target.agent == "tcp:127.0.0.1:7428");
  CHECK_FALSE(target.notifications.unit_failed);
  REQUIRE(target.find_record());
  CHECK(target.find_record()->known_good == 41);
  REQUIRE(target.find_record()->verify_in_progress);
  CHECK(target.find_record()->verify_in_progress->step == "restarting");
  CHECK(target.distros.at("NixOS").known_good == 7);

  // Written back as version 2, and read again the same.
  file.save(loaded.settings);
  const auto saved = protocol::json::parse(read_file(path));
  CHECK(saved["version"] == 2);
  CHECK(saved["default_target"] == "work");
  REQUIRE(saved["targets"].size() == 1);
  CHECK(saved["targets"][0]["future_feature"] == 1);
  CHECK(saved["targets"][0]["distros"]["work"]["known_good"] == 41);
  const auto again = file.load();
  CHECK(again.warnings.empty());
  CHECK(again.settings.find_record()->known_good == 41);
  CHECK(again.settings.distros.at("NixOS").known_good == 7);
  CHECK(again.settings.start_at_login);
}

TEST_CASE("saving one target keeps the others as they are in the file") {
  testing::TempDir dir("nxs");
  SettingsFile file(dir / "settings.json");
  TraySettings daily;
  daily.distro = "NixOS";
  daily.record().known_good = 40;
  TraySettings test;
  test.name = "test copy";
  test.distro = "NixOS-test";
  test.watch = false;
  file.save(daily);
  file.save(test);
  // A second program changes the daily target meanwhile; saving the test target keeps that.
  file.update([](SettingsDocument& document) { document.find("NixOS")->record().known_good = 41; });
  test.flake = "/home/me/nixos#test";
  file.save(test);

  const auto loaded = file.load();
  REQUIRE(loaded.document.targets.size() == 2);
  CHECK(loaded.document.names() == "NixOS, test copy");
  CHECK(loaded.settings.target_name() == "NixOS");  // the first is the default
  CHECK(loaded.document.find("NixOS")->find_record()->known_good == 41);
  const auto* saved_test = loaded.document.find("test copy");
  REQUIRE(saved_test);
  CHECK(saved_test->distro == "NixOS-test");
  CHECK_FALSE(saved_test->watch);
  CHECK(saved_test->flake == "/home/me/nixos#test");
}

TEST_CASE("targets without a name or with a taken name are skipped with a warning") {
  testing::TempDir dir("nxs");
  std::ofstream(dir / "settings.json") << R"({"version": 2, "default_target": "gone",
      "targets": [{"name": "a", "distro": "A"}, {"distro": "B"}, {"name": "a", "distro": "C"}, 5]})";
  const auto loaded = SettingsFile(dir / "settings.json").load();
  REQUIRE(loaded.document.targets.size() == 1);
  CHECK(loaded.settings.distro == "A");
  CHECK(loaded.warnings.size() == 4);  // no name, a second "a", not an object, an unknown default
}

TEST_CASE("the last target cannot be removed, and removing the default picks another") {
  SettingsDocument document;
  TraySettings a;
  a.name = "a";
  TraySettings b;
  b.name = "b";
  document.put(a);
  document.put(b);
  document.default_target = "b";
  CHECK(document.remove("b"));
  CHECK(document.default_settings().target_name() == "a");
  CHECK_FALSE(document.remove("a"));
  CHECK_FALSE(document.remove("nothing"));
  CHECK_FALSE(target_name_problem("").empty());
  CHECK_FALSE(target_name_problem(std::string(65, 'x')).empty());
  CHECK_FALSE(target_name_problem("a\tb").empty());
  CHECK(target_name_problem("NixOS (work)").empty());
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
