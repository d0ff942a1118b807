// Which process is a job's runner: the one whose argv says `job-run <that job's directory>`, word
// for word (the runner of jobs/12 is not the runner of jobs/1).
#include "catch.hpp"

#include "jobs/job_tracker.hpp"
#include "nixtray/testing/subprocess.hpp"
#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/text_file.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <fstream>

using namespace nixtray::agent;
using nixtray::testing::Redirect;
using nixtray::testing::SpawnOptions;
using nixtray::testing::Subprocess;
using nixtray::testing::TempDir;

TEST_CASE("a job's runner is found by its exact directory, not by a prefix of another job's") {
  const TempDir state("nxr");
  const auto one = job_files(state.path(), "1");
  const auto twelve = job_files(state.path(), "12");
  std::filesystem::create_directories(one.dir);
  std::filesystem::create_directories(twelve.dir);
  // A process whose argv carries `job-run <state>/jobs/12`, waiting on its stdin.
  SpawnOptions options;
  options.stdin_from = Redirect::pipe();
  auto runner = Subprocess::spawn({"/bin/sh", "-c", "read line", "job-run", twelve.dir.string()}, std::move(options));
  const auto cmdline = "/proc/" + std::to_string(runner.pid()) + "/cmdline";
  REQUIRE(nixtray::testing::wait_until(  // until it has exec'd (a forked child shows our argv before)
      [&] { return nixtray::testing::read_text(cmdline).find("job-run") != std::string::npos; },
      nixtray::testing::scaled(std::chrono::seconds(10))));
  for (const auto& files : {one, twelve}) {
    std::ofstream(files.pid()) << runner.pid() << "\n";
  }
  CHECK(running_runner_pid(twelve) == runner.pid());
  CHECK_FALSE(running_runner_pid(one));  // "<state>/jobs/1" is a prefix of its argument, not its argument
  runner.close_stdin();
  runner.wait();
  CHECK_FALSE(running_runner_pid(twelve));  // gone
}
