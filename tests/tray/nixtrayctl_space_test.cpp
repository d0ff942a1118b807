// nixtrayctl space and gc against a real agent in the harness's systemd, on the relocated real Nix
// store (as tests/jobs/space_gc_test.cpp): the report is the agent's own, and gc frees what it said.
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "nixtrayctl_run.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/text/byte_size.hpp"

#include <sstream>

using namespace nixtray;
using namespace nixtray::testing;
using nlohmann::json;

namespace {

ProcessResult nixtrayctl(const TempDir& home, const std::filesystem::path& socket, std::vector<std::string> args) {
  args.insert(args.begin(), {"--agent", "unix:" + socket.string()});
  return run_nixtrayctl(home, args, std::chrono::minutes(3));
}

// The report without its "Disk:" line: free space moves while others write to the same disk.
std::string without_disk_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, kept;
  while (std::getline(in, line)) {
    if (line.rfind("Disk:", 0) != 0) kept += line + "\n";
  }
  return kept;
}

}  // namespace

TEST_CASE("nixtrayctl space prints the agent's report, and gc --keep 1 frees what it predicted") {
  JobsFixture f;
  for (int i = 2; i <= 4; ++i) {
    auto spec = toy_system_spec("24.11." + std::to_string(i) + " (Vicuna)", "2.12." + std::to_string(i));
    spec.packages.push_back({"payload-" + std::to_string(i), "1", 30'000u * static_cast<unsigned>(i)});
    f.store->add_generation(f.store->build_system(spec));
  }
  f.agent->wait_for_status([](const json& s) { return s["generations"]["default"] == 4; });
  TempDir home("nxs");

  // --refresh: the look after the generations appeared.
  const auto as_json = nixtrayctl(home, f.agent->socket(), {"space", "--refresh", "--json"});
  INFO(as_json.describe());
  REQUIRE(as_json.exit_code() == 0);
  const auto report = json::parse(as_json.out);
  std::vector<int> numbers;
  for (const auto& generation : report["generations"]) numbers.push_back(generation["number"].get<int>());
  CHECK(numbers == std::vector<int>{4, 3, 2, 1});
  REQUIRE(!report["cleanup"].empty());
  // 1 is current and booted, 4 the default: keep 1 deletes 3 and 2.
  CHECK(report["cleanup"][0]["deletes"] == json::array({3, 2}));
  const auto predicted = report["cleanup"][0]["frees_bytes"].get<std::int64_t>();
  CHECK(predicted > 30'000 * 5);

  // The text is nixtray-agent space's, line for line.
  const auto text = nixtrayctl(home, f.agent->socket(), {"space"});
  INFO(text.describe());
  REQUIRE(text.exit_code() == 0);
  const auto agent_text = run_process({agent_binary().string(), "--socket", f.agent->socket().string(), "space"});
  INFO(agent_text.describe());
  REQUIRE(agent_text.exit_code() == 0);
  CHECK(without_disk_line(text.out) == without_disk_line(agent_text.out));
  CHECK(text.out.find("--keep 1  " + text::format_bytes(predicted)) != std::string::npos);
  CHECK(text.out.find("deletes generations 3, 2") != std::string::npos);

  const auto gc = nixtrayctl(home, f.agent->socket(), {"gc", "--keep", "1"});
  INFO(gc.describe() << "\nagent log:\n" << f.agent->log());
  CHECK(gc.exit_code() == 0);
  CHECK(gc.out.find("): succeeded\nDeleted:     generations 3, 2\n") != std::string::npos);
  CHECK(gc.out.find("Freed:       " + text::format_bytes(predicted) + "\n") != std::string::npos);
  CHECK(gc.err.find(": collecting") != std::string::npos);  // the phases, on stderr

  const auto after = json::parse(nixtrayctl(home, f.agent->socket(), {"space", "--refresh", "--json"}).out);
  CHECK(after["garbage_bytes"] == 0);
  numbers.clear();
  for (const auto& generation : after["generations"]) numbers.push_back(generation["number"].get<int>());
  CHECK(numbers == std::vector<int>{4, 1});

  // Nothing left to delete: the job runs, frees what garbage there is, and says so as JSON.
  const auto again = nixtrayctl(home, f.agent->socket(), {"gc", "--keep", "1", "--older-than", "0", "--json"});
  INFO(again.describe());
  CHECK(again.exit_code() == 0);
  const auto job = json::parse(again.out);
  CHECK(job["state"] == "succeeded");
  CHECK(job["args"]["keep"] == 1);
  CHECK(job["args"]["older_than_days"] == 0);
  CHECK(job["freed_bytes"] == 0);
}

TEST_CASE("nixtrayctl gc needs --keep or --older-than, and space says when no agent answers") {
  TempDir home("nxs");
  const auto none = home / "none.sock";
  const auto bare = nixtrayctl(home, none, {"gc"});
  CHECK(bare.exit_code() == 64);
  CHECK(bare.err.find("give --keep N, --older-than DAYS or both") != std::string::npos);
  CHECK(nixtrayctl(home, none, {"gc", "--keep", "0"}).exit_code() == 64);
  const auto space = nixtrayctl(home, none, {"space"});
  CHECK(space.exit_code() == 2);
  CHECK(space.err.find("nixtrayctl: ") == 0);
}
