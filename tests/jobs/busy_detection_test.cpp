// What makes the agent busy: an outside rebuild only when it runs as root (changing the system
// takes root; any user can name a process nixos-rebuild), and a job's runner only when it is that
// job's runner, word for word.
#include "catch.hpp"
#include "jobs_fixture.hpp"

#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unit_files.hpp"

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("a process named nixos-rebuild that runs as nobody does not make gc busy, one running as root does") {
  JobsFixture f;
  // As a user can do it: a shell that renames what it execs (`exec -a`), a sleep that says it is
  // nixos-rebuild in argv[0]. The unit only sets who runs it.
  ServiceSpec spoofed;
  spoofed.exec_start = {"/bin/bash", "-c", "exec -a nixos-rebuild /bin/sleep 600"};
  spoofed.extra_service_lines = {"User=nobody"};
  // Once bash has exec'd: a process of that user whose command line starts with the name.
  const auto running_as = [&](const std::string& user) {
    return wait_until(
        [&] {
          return f.agent->ns().run_inside({"/usr/bin/pgrep", "-u", user, "-f", "^nixos-rebuild "}).ok();
        },
        scaled(std::chrono::seconds(10)));
  };
  f.agent->ns().start_service("spoofed-rebuild.service", spoofed);
  REQUIRE(running_as("nobody"));

  const auto gc = f.agent->call("jobs.start", {{"kind", "gc"}, {"keep", 1}});
  INFO(gc.dump());
  REQUIRE(gc.contains("result"));
  CHECK(f.wait_finished(gc["result"]["id"])["state"] == "succeeded");
  f.agent->ns().systemctl({"stop", "spoofed-rebuild.service"});

  // The same program run by root is an outside rebuild.
  ServiceSpec as_root = spoofed;
  as_root.extra_service_lines.clear();
  f.agent->ns().start_service("root-rebuild.service", as_root);
  REQUIRE(running_as("root"));
  const auto busy = f.agent->call("jobs.start", {{"kind", "gc"}, {"keep", 1}});
  INFO(busy.dump());
  REQUIRE(busy.contains("error"));
  CHECK(busy["error"]["code"] == -32002);
  CHECK(busy["error"]["data"]["external"].get<std::string>().find("nixos-rebuild") != std::string::npos);
  f.agent->ns().systemctl({"stop", "root-rebuild.service"});
}
