// nixtrayctl update against a real agent in the harness's systemd, on a real flake whose input (a
// git repository) moves (as tests/jobs/flake_update_test.cpp): what moved and the package diff are
// printed, nothing is written, and update --switch JOB activates that build and writes the lock.
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "nixtrayctl_run.hpp"
#include "pinned_flake.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"

using namespace nixtray;
using namespace nixtray::testing;
using nlohmann::json;

namespace {

ProcessResult nixtrayctl(const TempDir& home, const std::filesystem::path& socket, std::vector<std::string> args) {
  args.insert(args.begin(), {"--agent", "unix:" + socket.string()});
  return run_nixtrayctl(home, args, std::chrono::minutes(5));
}

}  // namespace

TEST_CASE("nixtrayctl update shows what moved and the package diff, and update --switch activates that build") {
  JobsFixture f(PinnedFlake::options());
  const PinnedFlake flake(f);
  const auto old_revision = flake.head();
  const auto lock_before = flake.lock();
  flake.move_to(f, "2.12.3");
  TempDir home("nxu");

  const auto as_json = nixtrayctl(home, f.agent->socket(), {"update", "--flake", flake.reference(), "--json"});
  INFO(as_json.describe());
  REQUIRE(as_json.exit_code() == 0);
  const auto j = json::parse(as_json.out);
  CHECK(j["job"]["update"]["inputs"].size() == 1);
  CHECK(j["diff"]["to_path"] == j["job"]["result_path"]);
  // Each update supersedes the last one's build: the text run's is the one switched to below.

  const auto shown = nixtrayctl(home, f.agent->socket(), {"update", "--flake", flake.reference()});
  INFO(shown.describe() << "\nagent log:\n" << f.agent->log());
  REQUIRE(shown.exit_code() == 0);
  CHECK(shown.out.find("1 input moved:\n  pins (git+file://" + flake.pins.string() + "): " + old_revision.substr(0, 7) +
                       " (") != std::string::npos);
  CHECK(shown.out.find(" \xE2\x86\x92 " + flake.head().substr(0, 7) + " (") != std::string::npos);
  CHECK(shown.out.find("  hello: changed, ") != std::string::npos);
  CHECK(shown.out.find(" \xE2\x86\x92 2.12.3, ") != std::string::npos);
  CHECK(shown.err.find("nixtrayctl: job ") != std::string::npos);  // the phases, on stderr
  const auto at = shown.out.find("nixtrayctl update --switch ");
  REQUIRE(at != std::string::npos);
  auto id = shown.out.substr(at + std::string("nixtrayctl update --switch ").size());
  id.erase(id.find('\n'));
  // Nothing of the user's changed yet.
  CHECK(flake.lock() == lock_before);
  CHECK(f.agent->status()["generations"]["default"] == 1);

  // Not an update: refused before anything starts.
  const auto wrong = nixtrayctl(home, f.agent->socket(), {"update", "--switch", "no-such-job", "--no-verify"});
  CHECK(wrong.exit_code() == 1);

  const auto switched = nixtrayctl(home, f.agent->socket(), {"update", "--switch", id, "--no-verify"});
  INFO(switched.describe());
  REQUIRE(switched.exit_code() == 0);
  CHECK(switched.out.find("): succeeded\nwrote " + (flake.config / "flake.lock").string() + "\n") != std::string::npos);
  CHECK(flake.lock().find(flake.head()) != std::string::npos);
  CHECK(f.agent->status()["generations"]["default"] == 2);
}
