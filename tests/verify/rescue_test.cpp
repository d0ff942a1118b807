// `nixtray-agent rescue` on a real Nix profile with the daemon stopped (the distro is down): it
// repoints the profile as nix-env does and records known-good where the daemon reads it, which the
// next boot shows.
#include "catch.hpp"
#include "mini_distro.hpp"

#include "test_agent.hpp"

#include <filesystem>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

ProcessResult rescue(MiniDistro& distro, int through_generation, const std::vector<std::string>& args) {
  // As from outside a distro that does not boot: the binary of a generation, by its absolute path.
  std::vector<std::string> argv = {
      (distro.store().profiles_dir() / ("system-" + std::to_string(through_generation) + "-link") / "sw" / "bin" /
       "nixtray-agent")
          .string(),
      "rescue"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.env = {{"PATH", "/nonexistent"}};  // nothing on PATH, as with wsl.exe -e
  return run_process(argv, options);
}

}  // namespace

TEST_CASE("rescue rollback and mark-good with the daemon stopped, the next boot runs the rolled-back generation") {
  MiniDistro distro;
  distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)"));
  distro.add_generation(distro.good_generation("24.11.20241215.bbbbbbb (Vicuna)"));
  distro.start();
  REQUIRE(distro.agent_status()["generations"]["booted"] == 2);
  distro.stop();
  REQUIRE_FALSE(distro.running());
  REQUIRE_FALSE(fs::exists(distro.socket()));  // no daemon

  const auto profiles = distro.store().profiles_dir().string();
  const auto state = distro.state_dir().string();

  const auto listed = rescue(distro, 1, {"list", "--profile-dir", profiles, "--state-dir", state, "--json"});
  INFO(listed.describe());
  REQUIRE(listed.exit_code() == 0);
  const auto generations = json::parse(listed.out)["generations"];
  REQUIRE(generations.size() == 2);
  CHECK(generations[0]["number"] == 2);
  CHECK(generations[0]["default"] == true);

  const auto rolled = rescue(distro, 1, {"rollback", "1", "--profile-dir", profiles});
  INFO(rolled.describe());
  REQUIRE(rolled.exit_code() == 0);
  CHECK(rolled.out.find("now points at generation 1 (it was 2)") != std::string::npos);
  // As nix-env leaves it: a relative link, nothing else in the directory; nix-env agrees.
  CHECK(fs::read_symlink(distro.store().profiles_dir() / "system") == "system-1-link");
  CHECK_FALSE(fs::exists(distro.store().profiles_dir() / "system.lock"));
  CHECK(distro.store().current_generation() == 1);
  const auto listed_by_nix =
      distro.store().nix({"nix-env", "-p", distro.store().system_profile().string(), "--list-generations"});
  CHECK(listed_by_nix.out.find("   1   ") != std::string::npos);
  CHECK(listed_by_nix.out.find("(current)") < listed_by_nix.out.find("   2   "));

  const auto marked = rescue(distro, 1, {"mark-good", "1", "--profile-dir", profiles, "--state-dir", state});
  INFO(marked.describe());
  REQUIRE(marked.exit_code() == 0);

  // Clear failures, and usage errors for what is not absolute or not a number.
  CHECK(rescue(distro, 1, {"rollback", "9", "--profile-dir", profiles}).exit_code() == 1);
  CHECK(rescue(distro, 1, {"rollback", "2", "--profile-dir", "relative/profiles"}).exit_code() == 64);
  CHECK(rescue(distro, 1, {"rollback", "two", "--profile-dir", profiles}).exit_code() == 64);
  CHECK(rescue(distro, 1, {"reboot"}).exit_code() == 64);
  CHECK(distro.store().current_generation() == 1);

  // The next start boots generation 1, and the daemon reads the known-good the rescue recorded.
  distro.start();
  const auto status = distro.agent_status();
  INFO(status.dump(2));
  CHECK(status["generations"]["default"] == 1);
  CHECK(status["generations"]["booted"] == 1);
  CHECK(status["generations"]["known_good"] == 1);
}
