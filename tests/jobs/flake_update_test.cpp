// A rebuild with `update` on a real flake: the configuration reads its pinned input through the
// flake.lock beside it (builtins.fetchTree of the locked revision), the input is a real git
// repository that moves, and the agent updates a copy with the real `nix flake update`. Checks what
// a person sees before switching (the moved input, the package diff), that nothing of theirs
// changes until they switch, and that a switch writes the lock as theirs.
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "pinned_flake.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/text_file.hpp"
#include "test_agent.hpp"

#include <sys/stat.h>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("an update shows the input that moved and the package diff, and writes nothing until a switch") {
  JobsFixture f(PinnedFlake::options());
  const PinnedFlake flake(f);
  const auto old_revision = flake.head();
  const auto lock_before = flake.lock();
  flake.move_to(f, "2.12.3");

  const auto id = f.start({{"kind", "rebuild"}, {"update", true}, {"flake", flake.reference()}});
  const auto job = f.wait_finished(id);
  INFO(job.dump(2) << "\n" << json(f.log_lines(id)).dump(1));
  REQUIRE(job["state"] == "succeeded");
  CHECK(job["args"]["mode"] == "build");
  REQUIRE(job["update"]["inputs"].size() == 1);
  const auto& input = job["update"]["inputs"][0];
  CHECK(input["name"] == "pins");
  CHECK(input["source"] == "git+file://" + flake.pins.string());
  CHECK(input["from"]["revision"] == old_revision);
  CHECK(input["to"]["revision"] == flake.head());
  CHECK(input["to"]["date"].is_number_integer());
  CHECK(job["update"]["lock_file"] == (flake.config / "flake.lock").string());
  CHECK(
      contains(f.log_lines(id), "input pins (git+file://" + flake.pins.string() + "): " + old_revision.substr(0, 12)));
  // Nothing of the user's changed: the lock is byte for byte what it was, no generation was added.
  CHECK(flake.lock() == lock_before);
  CHECK(job["generation_after"] == 1);

  // The package diff the preview shows: what the updated build changes against the running system.
  const auto system = job["result_path"].get<std::string>();
  const auto diff = f.agent->call("generations.diff", {{"from", 1}, {"to_path", system}});
  INFO(diff.dump());
  REQUIRE(diff.contains("result"));
  bool hello_moved = false;
  for (const auto& change : diff["result"]["changes"]) {
    if (change["name"] == "hello") hello_moved = change["to"] == json::array({"2.12.3"});
  }
  CHECK(hello_moved);

  // Switching to it writes the updated lock, owned as the user's lock was.
  run_checked({"/bin/chown", "1000:100", (flake.config / "flake.lock").string()});
  ::chmod((flake.config / "flake.lock").c_str(), 0664);
  const auto switched = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}, {"system", system}}));
  INFO(switched.dump(2) << "\n" << json(f.log_lines(switched["id"])).dump(1));
  CHECK(switched["state"] == "succeeded");
  CHECK(switched["generation_after"] == 2);
  CHECK(switched["lock_written"] == (flake.config / "flake.lock").string());
  CHECK(flake.lock() != lock_before);
  CHECK(flake.lock().find(flake.head()) != std::string::npos);
  struct stat written {};
  REQUIRE(::stat((flake.config / "flake.lock").c_str(), &written) == 0);
  CHECK(written.st_uid == 1000);
  CHECK(written.st_gid == 100);
  CHECK((written.st_mode & 0777) == 0664);
}

TEST_CASE("an update's lock is not written over a lock that changed since, nor by a test activation") {
  JobsFixture f(PinnedFlake::options());
  const PinnedFlake flake(f);
  flake.move_to(f, "2.12.3");
  const auto update = f.wait_finished(f.start({{"kind", "rebuild"}, {"update", true}, {"flake", flake.reference()}}));
  REQUIRE(update["state"] == "succeeded");
  const auto system = update["result_path"].get<std::string>();

  // `test` registers nothing, so it does not change the configuration either.
  const auto tested = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "test"}, {"system", system}}));
  CHECK(tested["state"] == "succeeded");
  CHECK_FALSE(tested.contains("lock_written"));

  // Someone edits the lock meanwhile: the switch stops before anything changes and says why.
  const auto edited = flake.lock() + "\n";
  write_text(flake.config / "flake.lock", edited);
  const auto refused = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}, {"system", system}}));
  INFO(refused.dump(2));
  CHECK(refused["state"] == "failed");
  CHECK(refused["failure"]["kind"] == "check");
  CHECK(refused["summary"].get<std::string>().find("changed since the update was built") != std::string::npos);
  CHECK(refused["generation_after"] == 1);
  CHECK(flake.lock() == edited);
}

TEST_CASE("an update is refused without a local flake, and does not mix with upgrade, system or other modes") {
  JobsFixture f;
  const auto no_flake = f.agent->call("jobs.start", {{"kind", "rebuild"}, {"update", true}});
  CHECK(no_flake["error"]["code"] == -32602);
  CHECK(no_flake["error"]["message"].get<std::string>().find("needs the configuration's flake") != std::string::npos);
  const auto remote = f.agent->call("jobs.start", {{"kind", "rebuild"}, {"update", true}, {"flake", "github:a/b#c"}});
  CHECK(remote["error"]["code"] == -32602);
  for (const auto& extra : {json{{"upgrade", true}}, json{{"mode", "switch"}}, json{{"system", "/nix/store/x"}}}) {
    auto params = json{{"kind", "rebuild"}, {"update", true}, {"flake", f.configs.string() + "#default"}};
    params.update(extra);
    INFO(params.dump());
    CHECK(f.agent->call("jobs.start", params)["error"]["code"] == -32602);
  }
  CHECK(f.agent->call("jobs.start", {{"kind", "gc"}, {"keep", 1}, {"update", true}})["error"]["code"] == -32602);
}

TEST_CASE("the command line: rebuild --update prints the inputs that moved and how to review the result") {
  JobsFixture f(PinnedFlake::options());
  const PinnedFlake flake(f);
  const auto old_revision = flake.head();
  flake.move_to(f, "2.12.3");
  RunOptions options;
  options.timeout = std::chrono::minutes(3);
  const auto run = run_process({agent_binary().string(), "--socket", f.agent->socket().string(), "rebuild", "--update",
                                "--flake", flake.reference()},
                               options);
  INFO(run.describe());
  CHECK(run.exit_code() == 0);
  CHECK(run.out.find("rebuild build --flake " + flake.reference() + " --update") != std::string::npos);
  CHECK(run.out.find("Inputs:      1 moved") != std::string::npos);
  CHECK(run.out.find("pins (git+file://" + flake.pins.string() + "): " + old_revision.substr(0, 12)) !=
        std::string::npos);
  CHECK(run.out.find("Review:      nixtray-agent diff 1 ") != std::string::npos);
  const auto wrong_mode =
      run_process({agent_binary().string(), "--socket", f.agent->socket().string(), "rebuild", "switch", "--update"});
  CHECK(wrong_mode.exit_code() == 64);  // EX_USAGE, before anything runs
}

TEST_CASE("a check for updates (update with dry-build) says what moved and builds and keeps nothing") {
  JobsFixture f(PinnedFlake::options());
  const PinnedFlake flake(f);
  const auto lock_before = flake.lock();
  flake.move_to(f, "2.12.4");
  const auto id = f.start({{"kind", "rebuild"}, {"update", true}, {"mode", "dry-build"}, {"flake", flake.reference()}});
  const auto job = f.wait_finished(id);
  INFO(job.dump(2) << "\n" << json(f.log_lines(id)).dump(1));
  CHECK(job["state"] == "succeeded");
  REQUIRE(job["update"]["inputs"].size() == 1);
  CHECK(job["update"]["inputs"][0]["to"]["revision"] == flake.head());
  CHECK(job["result_path"].is_null());  // nothing to activate
  CHECK(flake.lock() == lock_before);
  CHECK(contains(f.log_lines(id), "hello-2.12.4"));  // what a build would make, named by the dry run
  // The copy is gone with the job; the locks stay in the job's directory for a switch.
  const auto job_dir = f.agent->state_dir() / "jobs" / id;
  CHECK(fs::exists(job_dir / "flake.lock.after"));
  CHECK_FALSE(fs::exists(job_dir / "work" / "flake"));
}

TEST_CASE("an update whose input cannot be fetched fails, says so, and leaves no copy behind") {
  JobsFixture f(PinnedFlake::options());
  const PinnedFlake flake(f);
  const auto lock_before = flake.lock();
  fs::rename(flake.pins, flake.pins.string() + ".gone");
  const auto id = f.start({{"kind", "rebuild"}, {"update", true}, {"flake", flake.reference()}});
  const auto job = f.wait_finished(id);
  INFO(job.dump(2) << "\n" << json(f.log_lines(id)).dump(1));
  CHECK(job["state"] == "failed");
  CHECK(job["failure"]["kind"] == "evaluation");
  CHECK(job["summary"].get<std::string>().find("nix flake update failed") != std::string::npos);
  CHECK_FALSE(job.contains("update"));
  const auto job_dir = f.agent->state_dir() / "jobs" / id;
  CHECK(fs::exists(job_dir / "spec.json"));
  CHECK_FALSE(fs::exists(job_dir / "work" / "flake"));
  CHECK(flake.lock() == lock_before);
}
