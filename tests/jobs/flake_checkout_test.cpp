// Which flake references name a git checkout another user owns (the job then gets safe.directory
// for that checkout): local paths and git+file URLs, found by the checkout's top; not registry
// names, remote flakes, path: flakes, relative paths, or checkouts the job's own uid owns.
#include "catch.hpp"

#include "jobs/flake_checkout.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <unistd.h>

using namespace nixtray::agent;
using nixtray::testing::TempDir;
namespace fs = std::filesystem;

TEST_CASE("a flake reference in another user's git checkout names that checkout's top, and only then") {
  const TempDir home("nxf");
  const auto checkout = home.path() / "nixos-config";
  fs::create_directories(checkout / ".git");
  fs::create_directories(checkout / "hosts" / "wsl");
  const auto me = static_cast<unsigned>(::geteuid());
  const auto other = me + 1000;

  CHECK(foreign_git_checkout(checkout.string() + "#machine", other) == checkout);
  CHECK(foreign_git_checkout((checkout / "hosts" / "wsl").string(), other) == checkout);
  CHECK(foreign_git_checkout("git+file://" + checkout.string() + "?ref=main#machine", other) == checkout);
  CHECK(foreign_git_checkout("git+file:" + checkout.string(), other) == checkout);

  CHECK_FALSE(foreign_git_checkout(checkout.string() + "#machine", me));  // its own: git reads it
  CHECK_FALSE(foreign_git_checkout("path:" + checkout.string(), other));  // not read through git
  CHECK_FALSE(foreign_git_checkout("github:alice/nixos-config#machine", other));
  CHECK_FALSE(foreign_git_checkout("nixos-config#machine", other));
  CHECK_FALSE(foreign_git_checkout("./nixos-config#machine", other));
  CHECK_FALSE(foreign_git_checkout(home.path().string(), other));  // no checkout above it

  const auto variables = safe_directory_environment(checkout);
  CHECK(variables == std::vector<std::string>{"GIT_CONFIG_COUNT=2", "GIT_CONFIG_KEY_0=safe.directory",
                                              "GIT_CONFIG_VALUE_0=" + checkout.string(),
                                              "GIT_CONFIG_KEY_1=safe.directory",
                                              "GIT_CONFIG_VALUE_1=" + (checkout / ".git").string()});
}
