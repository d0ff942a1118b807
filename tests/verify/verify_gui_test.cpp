// Verify boot from the tray (nixtray under Xvfb, a real tray host and notification server) on the
// miniature distro: this test builds the distro and checks the outcome; tests/gui/verify_boot.sh
// drives the tray the way a person does and saves the screenshots.
#include "catch.hpp"
#include "mini_distro.hpp"

#include "nixtray/testing/environment.hpp"

#include <algorithm>
#include <fstream>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("the tray's Verify boot: a generation that does not start is rolled back and the notification says why") {
  MiniDistro distro;
  distro.boot_known_good_two();
  auto broken = distro.good_generation("24.11.20241220.ccccccc (Vicuna)");
  broken.init_exit_status = 1;  // init gives up before it can exec systemd
  REQUIRE(distro.add_generation(broken) == 3);

  // The tray's settings: the distro's record, and where the profile is for the rescue from outside.
  auto settings = distro.settings();
  if (settings.is_null()) settings = json::object();
  settings["verify"]["profile_dir"] = distro.store().profiles_dir().string();
  settings["verify"]["boot_timeout_seconds"] = 60;
  std::ofstream(distro.settings_file()) << settings.dump(2);

  // nixtray takes the same connection and control arguments as nixtrayctl (without its command).
  auto argv = distro.nixtrayctl_argv({});
  argv.erase(argv.begin());  // the nixtrayctl binary
  const auto profile_flag = std::find(argv.begin(), argv.end(), "--profile-dir");
  if (profile_flag != argv.end()) argv.erase(profile_flag, profile_flag + 2);  // nixtray reads it from the settings
  const auto args_file = distro.dir() / "tray-args";
  {
    std::ofstream out(args_file);
    for (const auto& arg : argv) out << arg << "\n";
  }

  RunOptions options;
  options.env = current_environment();
  options.env["NIXTRAY_SOURCE_DIR"] = NIXTRAY_SOURCE_DIR;
  options.env["NIXTRAY_BUILD_DIR"] = NIXTRAY_BINARY_DIR;
  options.env["NIXTRAY_TRAY_ARGS_FILE"] = args_file.string();
  options.timeout = std::chrono::minutes(8);
  const auto scenario = run_process({std::string(NIXTRAY_SOURCE_DIR) + "/tests/gui/run-under-xvfb",
                                     std::string(NIXTRAY_SOURCE_DIR) + "/tests/gui/verify_boot.sh"},
                                    options);
  INFO(scenario.describe() << "\n" << distro.diagnostics());
  REQUIRE(scenario.exit_code() == 0);

  // What the tray did, as the distro and the host remember it.
  CHECK(distro.store().current_generation() == 2);
  CHECK(distro.agent_status()["generations"]["booted"] == 2);
  CHECK(distro.distro_record()["verify_in_progress"].is_null());
  CHECK(distro.distro_record()["known_good"] == 2);

  // The same in Japanese, for another broken generation: the Verify window's screenshots in ja.
  // Another system (the agent keeps verdicts by store path: the first one is known to have failed).
  auto second_broken = distro.good_generation("24.11.20241221.ddddddd (Vicuna)");
  second_broken.init_exit_status = 1;
  const int second = distro.add_generation(second_broken);
  REQUIRE(second > 2);
  options.env["VERIFY_LANG"] = "ja";
  options.env["VERIFY_GENERATION"] = std::to_string(second);
  const auto japanese = run_process({std::string(NIXTRAY_SOURCE_DIR) + "/tests/gui/run-under-xvfb",
                                     std::string(NIXTRAY_SOURCE_DIR) + "/tests/gui/verify_boot.sh"},
                                    options);
  INFO(japanese.describe() << "\n" << distro.diagnostics());
  REQUIRE(japanese.exit_code() == 0);
  CHECK(distro.store().current_generation() == 2);
  CHECK(distro.agent_status()["generations"]["booted"] == 2);
}
