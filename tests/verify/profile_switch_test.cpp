// Repointing the system profile as nix-env --switch-generation does, without nix-env (plain
// directories stand for store paths; verify_boot_test.cpp checks the same on a real Nix profile).
#include "catch.hpp"

#include "verify/system_profile_switch.hpp"

#include "nixtray/testing/temp_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>

using namespace nixtray::agent;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct Profile {
  nixtray::testing::TempDir dir{"nxv-prof"};
  fs::path profiles = dir / "profiles";

  Profile() {
    fs::create_directories(profiles);
    for (int n : {1, 2, 3}) {
      fs::create_directories(dir / ("gen" + std::to_string(n)));
      fs::create_symlink(dir / ("gen" + std::to_string(n)), profiles / ("system-" + std::to_string(n) + "-link"));
    }
    fs::create_symlink("system-3-link", profiles / "system");
  }
};

}  // namespace

TEST_CASE("switching the system profile: a relative link, renamed into place, the lock released") {
  Profile p;
  const auto result = switch_system_profile(p.profiles, 1);
  CHECK(result.before == 3);
  CHECK(result.after == 1);
  CHECK(fs::read_symlink(p.profiles / "system") == "system-1-link");
  CHECK_FALSE(fs::exists(p.profiles / "system.lock"));
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(p.profiles)) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 4);  // system + three links: no temporary left behind
}

TEST_CASE("switching refuses a generation that does not exist or whose store path is gone") {
  Profile p;
  CHECK_THROWS_WITH(switch_system_profile(p.profiles, 9), Catch::Contains("there is no generation 9"));
  fs::remove_all(p.dir / "gen2");
  CHECK_THROWS_WITH(switch_system_profile(p.profiles, 2), Catch::Contains("no longer exists"));
  CHECK(fs::read_symlink(p.profiles / "system") == "system-3-link");
}

TEST_CASE("switching waits for the profile's lock and gives up with a message") {
  Profile p;
  const int fd = ::open((p.profiles / "system.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX) == 0);  // as nix-env holds it
  CHECK_THROWS_WITH(switch_system_profile(p.profiles, 1, 200ms), Catch::Contains("is locked by another program"));
  CHECK(fs::read_symlink(p.profiles / "system") == "system-3-link");
  ::close(fd);
  CHECK(switch_system_profile(p.profiles, 1, 200ms).after == 1);
}
