// A gc job frees what the space report said it would: the agent's prediction for keep = K, the
// job's freed_bytes and the fall of du on the store are the same number. On real components: the
// agent in the harness's systemd, the relocated real Nix store, real nix-env and nix-store.
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"

#include <set>
#include <sstream>

using namespace nixtray::testing;
using nlohmann::json;

namespace {

std::int64_t du_store(const JobsFixture& f) {
  const auto result = run_checked({"/usr/bin/du", "-sB1", f.store->store_dir().string()});
  return std::stoll(result.out);
}

json space_now(JobsFixture& f) {
  const auto reply = f.agent->call("space", {{"refresh", true}});
  INFO(reply.dump(2));
  REQUIRE(reply.contains("result"));
  return reply["result"];
}

}  // namespace

TEST_CASE("gc --keep 1 frees what the space report said it would, and says so") {
  JobsFixture f;
  for (int i = 2; i <= 5; ++i) {
    auto spec = toy_system_spec("24.11." + std::to_string(i) + " (Vicuna)", "2.12." + std::to_string(i));
    spec.packages.push_back({"payload-" + std::to_string(i), "1", 20'000u * static_cast<unsigned>(i)});
    f.store->add_generation(f.store->build_system(spec));
  }
  f.agent->wait_for_status([](const json& s) { return s["generations"]["default"] == 5; });
  // 1 is current and booted, 5 the default; 3 is known-good: keep 1 deletes 4 and 2.
  REQUIRE(f.agent->call("generations.mark_good", {{"number", 3}}).contains("result"));
  f.agent->wait_for_status([](const json& s) { return s["generations"]["known_good"] == 3; });
  const auto report = space_now(f);
  INFO(report.dump(2));
  REQUIRE(!report["cleanup"].empty());
  const auto& keep_1 = report["cleanup"][0];
  CHECK(keep_1["deletes"] == json::array({4, 2}));
  const auto predicted = keep_1["frees_bytes"].get<std::int64_t>();
  CHECK(predicted > 20'000 * 6);

  const auto du_before = du_store(f);
  const auto job = f.wait_finished(f.start({{"kind", "gc"}, {"keep", 1}}));
  INFO(job.dump(2));
  CHECK(job["state"] == "succeeded");
  CHECK(job["freed_bytes"].get<std::int64_t>() == predicted);
  CHECK(du_before - du_store(f) == predicted);

  // The report after the job: no garbage left, 4 and 2 gone.
  const auto after = space_now(f);
  CHECK(after["garbage_bytes"] == 0);
  CHECK(after["store_bytes"].get<std::int64_t>() == du_store(f));
  std::vector<int> numbers;
  for (const auto& generation : after["generations"]) numbers.push_back(generation["number"].get<int>());
  CHECK(numbers == std::vector<int>{5, 3, 1});
}

TEST_CASE(
    "the command line: gc --keep K --older-than DAYS deletes what is neither newest nor young, and prints what it "
    "freed") {
  JobsFixture f;
  for (int i = 2; i <= 4; ++i) {
    f.store->add_generation(f.store->build_system(
        toy_system_spec("24.11." + std::to_string(i) + " (Vicuna)", "2.12." + std::to_string(i))));
  }
  f.agent->wait_for_status([](const json& s) { return s["generations"]["default"] == 4; });
  // Generation 2 is 10 days old, 3 is new: keep 1 and older than 5 days deletes 2 only (1 is
  // current and booted, 4 the default).
  const auto link = f.store->profiles_dir() / "system-2-link";
  REQUIRE(run_process({"/usr/bin/touch", "-h", "-d", "10 days ago", link.string()}).ok());
  std::vector<std::string> argv = {agent_binary().string(), "--socket", f.agent->socket().string(), "gc", "--keep", "1",
                                   "--older-than",          "5"};
  RunOptions options;
  options.timeout = std::chrono::minutes(3);
  const auto gc = run_process(argv, options);
  INFO(gc.describe() << "\nagent log:\n" << f.agent->log());
  CHECK(gc.exit_code() == 0);
  CHECK(gc.out.find("deleted 1 generations and") != std::string::npos);
  CHECK(gc.out.find("Freed:") != std::string::npos);
  std::set<int> left;
  for (const auto& g : f.store->list_generations()) left.insert(g.number);
  CHECK(left == std::set<int>{1, 3, 4});
}
