// generations.diff and closure sizes from a real agent over a real (relocated) Nix store,
// compared with what Nix's own tools report for the same store paths.
#include "catch.hpp"
#include "generation_test_store.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <cmath>
#include <cstdio>

using namespace nixtray::testing;
using nlohmann::json;

namespace {

std::set<std::string> minus(const json& a, const json& b) {
  std::set<std::string> result;
  for (const auto& item : a) {
    if (std::find(b.begin(), b.end(), item) == b.end()) result.insert(item.get<std::string>());
  }
  return result;
}

std::string kib(std::int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f", static_cast<double>(bytes) / 1024.0);
  return text;
}

// Every change we report that diff-closures would show, it shows the same way, and nothing more.
void check_matches_nix(const json& diff, const std::map<std::string, NixDiffLine>& nix) {
  std::set<std::string> ours_shown;
  for (const auto& change : diff["changes"]) {
    const auto name = change["name"].get<std::string>();
    INFO("package " << name << ": " << change.dump());
    const auto removed = minus(change["from"], change["to"]);
    const auto added = minus(change["to"], change["from"]);
    const auto delta = change["size_delta"].get<std::int64_t>();
    const bool nix_shows = !removed.empty() || !added.empty() || std::llabs(delta) >= 8 * 1024;
    const auto line = nix.find(name);
    if (!nix_shows) {
      CHECK(line == nix.end());
      continue;
    }
    ours_shown.insert(name);
    REQUIRE(line != nix.end());
    CHECK(line->second.removed == removed);
    CHECK(line->second.added == added);
    if (std::llabs(delta) >= 8 * 1024) {
      REQUIRE(line->second.size_kib);
      char nix_text[32];
      std::snprintf(nix_text, sizeof nix_text, "%+.1f", *line->second.size_kib);
      CHECK(kib(delta) == nix_text);
    } else {
      CHECK_FALSE(line->second.size_kib);
    }
  }
  for (const auto& [name, line] : nix) {
    INFO("diff-closures shows " << name);
    CHECK(ours_shown.contains(name));
  }
}

const json* change_named(const json& diff, const std::string& name) {
  for (const auto& change : diff["changes"]) {
    if (change["name"] == name) return &change;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("generations.diff reports what nix store diff-closures reports") {
  GenerationTestStore f;
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  for (const auto& [from, to] : std::vector<std::pair<int, int>>{{1, 2}, {2, 1}, {2, 3}, {1, 3}, {3, 3}}) {
    INFO("diff " << from << " -> " << to);
    const auto reply = connection.call("generations.diff", {{"from", from}, {"to", to}});
    REQUIRE(reply.contains("result"));
    const auto& diff = reply["result"];
    CHECK(diff["from"] == from);
    CHECK(diff["to"] == to);
    CHECK(diff["from_closure_size"] == f.nix_closure_size(f.paths[from - 1]));
    CHECK(diff["to_closure_size"] == f.nix_closure_size(f.paths[to - 1]));
    const auto nix_output = f.store.diff_closures(f.paths[from - 1], f.paths[to - 1]);
    INFO("nix store diff-closures:\n" << nix_output);
    check_matches_nix(diff, parse_nix_diff_closures(nix_output));
    std::vector<std::string> names;
    for (const auto& change : diff["changes"]) names.push_back(change["name"]);
    CHECK(std::is_sorted(names.begin(), names.end()));
  }

  const auto diff = connection.call("generations.diff", {{"from", 1}, {"to", 2}})["result"];
  const auto* hello = change_named(diff, "hello");
  REQUIRE(hello);
  CHECK((*hello)["kind"] == "changed");
  CHECK((*hello)["from"] == json::array({"2.12.1"}));
  CHECK((*hello)["to"] == json::array({"2.12.2"}));
  CHECK((*hello)["size_delta"].get<std::int64_t>() > 0);
  CHECK((*change_named(diff, "firefox"))["kind"] == "added");
  CHECK((*change_named(diff, "python3"))["kind"] == "removed");
  CHECK((*change_named(diff, "python3"))["size_delta"].get<std::int64_t>() < -65536);
  CHECK((*change_named(diff, "payload"))["kind"] == "resized");
  CHECK((*change_named(diff, "zlib"))["kind"] == "resized");  // below diff-closures' 8 KiB, still reported
  CHECK(change_named(diff, "coreutils") == nullptr);          // unchanged
  const auto same = connection.call("generations.diff", {{"from", 2}, {"to", 2}})["result"];
  CHECK(same["changes"].empty());
}

TEST_CASE("generations.diff compares a generation with a built store path that is not a generation") {
  GenerationTestStore f;
  SystemSpec spec;
  spec.label = "25.05.20250101.ddddddd (Warbler)";
  spec.packages = {{"hello", "2.12.3", 4096}};
  // In the store and its database, as a `rebuild build` job leaves it, but in no profile.
  const auto built = f.store.build_system(spec);
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);

  const auto reply = connection.call("generations.diff", {{"from", 3}, {"to_path", built.string()}});
  INFO(reply.dump());
  REQUIRE(reply.contains("result"));
  const auto& diff = reply["result"];
  CHECK(diff["from"] == 3);
  CHECK(diff["to"].is_null());
  CHECK(diff["to_path"] == built.string());
  CHECK(diff["from_closure_size"] == f.nix_closure_size(f.paths[2]));
  CHECK(diff["to_closure_size"] == f.nix_closure_size(built));
  check_matches_nix(diff, parse_nix_diff_closures(f.store.diff_closures(f.paths[2], built)));
  CHECK((*change_named(diff, "hello"))["to"] == json::array({"2.12.3"}));
  CHECK((*change_named(diff, "firefox"))["kind"] == "removed");
  // A generation's own store path is a store path like any other.
  const auto same = connection.call("generations.diff", {{"from", 2}, {"to_path", f.paths[1].string()}});
  REQUIRE(same.contains("result"));
  CHECK(same["result"]["changes"].empty());

  const auto refused = [&](const json& params, int code, const std::string& says) {
    INFO("params " << params.dump());
    const auto answer = connection.call("generations.diff", params);
    INFO(answer.dump());
    REQUIRE(answer.contains("error"));
    CHECK(answer["error"]["code"] == code);
    CHECK(answer["error"]["message"].get<std::string>().find(says) != std::string::npos);
  };
  const auto store = f.store.store_dir().string();
  refused({{"from", 3}, {"to_path", "/etc"}}, -32602, "directly inside the Nix store " + store);
  refused({{"from", 3}, {"to_path", "relative/path"}}, -32602, "absolute");
  refused({{"from", 3}, {"to_path", built.string() + "/sw"}}, -32602, "directly inside");
  refused({{"from", 3}, {"to_path", store + "/../store/" + built.filename().string()}}, -32602, "directly inside");
  refused({{"from", 3}, {"to_path", store}}, -32602, "directly inside");
  refused({{"from", 3}, {"to", 2}, {"to_path", built.string()}}, -32602, "exclude each other");
  refused({{"from", 3}}, -32602, "to_path");
  refused({{"from", 99}, {"to_path", built.string()}}, -32003, "no generation 99");
  // On disk in the store but never registered (an unfinished copy), and not there at all.
  const auto unregistered = f.store.store_dir() / "0000000000000000000000000000000a-nixos-system-unfinished";
  std::filesystem::create_directory(unregistered);
  refused({{"from", 3}, {"to_path", unregistered.string()}}, -32003, "not registered in the Nix database");
  refused({{"from", 3}, {"to_path", store + "/0000000000000000000000000000000b-gone"}}, -32003, "no longer exists");

  // The command line takes the store path for B as well.
  const auto printed = run_process(agent.cli({"diff", "3", built.string()}));
  INFO(printed.describe());
  REQUIRE(printed.ok());
  CHECK(printed.out.find("Generation 3 → " + built.string()) != std::string::npos);
  CHECK(printed.out.find("hello: 2.12.2 → 2.12.3") != std::string::npos);
}

TEST_CASE("generations.list carries closure sizes as nix path-info -S reports them, and revisions") {
  GenerationTestStore f;
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  const auto list = wait_for_closure_sizes(connection)["result"]["generations"];
  REQUIRE(list.size() == 3);
  for (const auto& generation : list) {
    const int number = generation["number"];
    INFO("generation " << number);
    CHECK(generation["path"] == f.paths[number - 1].string());
    CHECK(generation["closure_size"] == f.nix_closure_size(f.paths[number - 1]));
    CHECK(generation["problem"].is_null());
  }
  CHECK(list[0]["configuration_revision"] == "3f2c1e9");
  CHECK(list[1]["configuration_revision"].is_null());
  CHECK(list[2]["nixos_version"] == "24.05.20240601.aaaaaaa (Uakari)");
  CHECK(list[0]["default"] == true);
}

TEST_CASE("a generation added with nix-env --set is pushed to subscribers, then with its closure size") {
  GenerationTestStore f;
  TestAgent agent(f.agent_options());
  AgentConnection connection(agent);
  const auto subscribed = connection.call("subscribe", {{"topics", {"generations"}}});
  REQUIRE(subscribed.contains("result"));

  SystemSpec spec;
  spec.label = "25.05.20250101.ddddddd (Warbler)";
  spec.packages = {{"hello", "2.12.3", 4096}};
  const auto added_path = f.store.build_system(spec);
  const int added = f.store.add_generation(added_path);
  REQUIRE(added == 4);

  bool listed = false;
  std::optional<std::int64_t> pushed_size;
  const auto deadline = std::chrono::steady_clock::now() + scaled(std::chrono::seconds(20));
  while (!pushed_size && std::chrono::steady_clock::now() < deadline) {
    const auto message = connection.client.read_json(scaled(std::chrono::seconds(20)));
    REQUIRE(message);
    if (!message->contains("method") || (*message)["params"]["topic"] != "generations") continue;
    for (const auto& generation : (*message)["params"]["data"]["generations"]) {
      if (generation["number"] != added) continue;
      listed = true;
      CHECK(generation["path"] == added_path.string());
      CHECK(generation["default"] == true);
      if (!generation["closure_size"].is_null()) pushed_size = generation["closure_size"].get<std::int64_t>();
    }
  }
  CHECK(listed);
  REQUIRE(pushed_size);
  CHECK(*pushed_size == f.nix_closure_size(added_path));
  // The new generation can be diffed at once.
  const auto diff = connection.call("generations.diff", {{"from", 3}, {"to", added}});
  REQUIRE(diff.contains("result"));
  CHECK((*change_named(diff["result"], "firefox"))["kind"] == "removed");
}

TEST_CASE("hello lists generations.diff") {
  GenerationTestStore f;
  TestAgent agent(f.agent_options());
  auto client = RawClient::unix_socket(agent.socket());
  const auto greeting = client.hello();
  const auto& methods = greeting["result"]["methods"];
  CHECK(std::find(methods.begin(), methods.end(), "generations.diff") != methods.end());
}

TEST_CASE("the command line prints diffs like diff-closures, and closure sizes") {
  GenerationTestStore f;
  TestAgent agent(f.agent_options());
  {
    AgentConnection connection(agent);
    wait_for_closure_sizes(connection);
  }
  const auto diff = run_process(agent.cli({"diff", "1", "2"}));
  INFO(diff.describe());
  REQUIRE(diff.ok());
  CHECK(diff.out.find("hello: 2.12.1 → 2.12.2, +1.0 KiB") != std::string::npos);
  CHECK(diff.out.find("firefox: ∅ → 126.0.1, +") != std::string::npos);
  CHECK(diff.out.find("python3: 3.11.9 → ∅, -") != std::string::npos);
  CHECK(diff.out.find("payload: +28.3 KiB") != std::string::npos);
  CHECK(diff.out.find("Closure size:") != std::string::npos);
  CHECK(diff.out.find("zlib") == std::string::npos);  // +1.9 KiB: below the 8 KiB diff-closures shows
  CHECK(diff.out.find("changed size by less than 8 KiB") != std::string::npos);

  const auto as_json = run_process(agent.cli({"diff", "1", "2", "--json"}));
  REQUIRE(as_json.ok());
  const auto parsed = json::parse(as_json.out);
  CHECK(parsed["from"] == 1);
  CHECK(parsed["to_closure_size"] == f.nix_closure_size(f.paths[1]));

  const auto missing = run_process(agent.cli({"diff", "1", "99"}));
  CHECK(missing.exit_code() == 1);
  CHECK(missing.err.find("no generation 99") != std::string::npos);
  CHECK(run_process(agent.cli({"diff", "1"})).exit_code() == 64);

  const auto generations = run_process(agent.cli({"generations"}));
  REQUIRE(generations.ok());
  CHECK(generations.out.find("Closure") != std::string::npos);
  CHECK(generations.out.find(" KiB") != std::string::npos);
}
