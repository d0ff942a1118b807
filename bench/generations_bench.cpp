// nixtray-bench-generations: how fast the agent answers about generations, next to what a script
// would run instead, on a real relocated Nix store (tests/harness NixStore) on tmpfs.
//
//   (a) generations.list round trip with N generations (closure sizes included), next to
//       `nix-env -p <profile> --list-generations` and to a shell loop over the links that reads
//       each nixos-version (what the list needs without the agent);
//   (b) closure sizes of all N generations: the agent computes them once in the background
//       (time until generations.list has them all), next to `nix path-info -S` of the N paths;
//   (c) generations.diff round trip of two generations with P packages each, next to
//       `nix store diff-closures` of the same pair.
//
// Not a test: it prints a table with ratios measured in the same run.
// Usage: nixtray-bench-generations [--short] [--generations N] [--packages P] [--rounds R]
#include "percentiles.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/nix_store.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace nixtray::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

struct Settings {
  int generations = 1000;
  int packages = 200;     // per diffed generation
  int rounds = 300;       // agent round trips per measurement
  int tool_rounds = 20;   // runs of nix tools (tens of ms each)
  int script_rounds = 3;  // runs of the shell loop (seconds each at 1000 generations)
  bool short_mode = false;
};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

using nixtray::bench::Percentiles;
using nixtray::bench::percentiles;

Percentiles measure(int rounds, const std::function<void()>& once) {
  std::vector<double> times;
  for (int i = 0; i < rounds; ++i) {
    const auto start = Clock::now();
    once();
    times.push_back(ms(Clock::now() - start));
  }
  return percentiles(std::move(times));
}

std::string fixed(double value, int digits = 2) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", digits, value);
  return text;
}

std::string both(const Percentiles& p) { return fixed(p.p50) + " / " + fixed(p.p99) + " ms"; }
std::string ratio(const Percentiles& ours, const Percentiles& theirs) {
  return fixed(theirs.p50 / std::max(ours.p50, 1e-9), 0) + "x";
}

void run_ok(const std::vector<std::string>& argv, const RunOptions& options) {
  const auto result = run_process(argv, options);
  if (!result.ok()) throw std::runtime_error(argv.front() + " failed: " + result.status.describe() + "\n" + result.err);
}

// Two generations of P packages: a tenth changed versions, a twentieth added, a twentieth removed.
std::pair<SystemSpec, SystemSpec> diff_pair(int packages) {
  SystemSpec before;
  SystemSpec after;
  before.label = "24.05.20240601.aaaaaaa (Uakari)";
  after.label = "24.11.20241201.bbbbbbb (Vicuna)";
  before.packages.clear();
  after.packages.clear();
  for (int i = 0; i < packages; ++i) {
    const std::string name = "pkg" + std::to_string(i);
    const auto size = static_cast<std::uint64_t>(1024 * (1 + i % 64));
    if (i % 20 == 1) {
      before.packages.push_back({name, "1.0", size});  // removed
    } else if (i % 20 == 2) {
      after.packages.push_back({name, "1.0", size});  // added
    } else if (i % 10 == 3) {
      before.packages.push_back({name, "1.0", size});
      after.packages.push_back({name, "1.1", size + 4096});  // changed
    } else {
      before.packages.push_back({name, "1.0", size});
      after.packages.push_back({name, "1.0", size});
    }
  }
  return {before, after};
}

Settings parse(int argc, char** argv) {
  Settings settings;
  const std::string usage = "usage: nixtray-bench-generations [--short] [--generations N] [--packages P] [--rounds R]";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    const auto value = [&]() -> int {
      if (i + 1 >= argc) throw std::runtime_error(usage);
      return std::stoi(argv[++i]);
    };
    if (word == "--short") {
      settings.short_mode = true;
      settings.generations = 100;
      settings.packages = 40;
      settings.rounds = 50;
      settings.tool_rounds = 5;
      settings.script_rounds = 2;
    } else if (word == "--generations") {
      settings.generations = value();
    } else if (word == "--packages") {
      settings.packages = value();
    } else if (word == "--rounds") {
      settings.rounds = value();
    } else {
      throw std::runtime_error(usage);
    }
  }
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto settings = parse(argc, argv);
    TempDir root("nxbench", TempDir::fast_base());
    NixStore store(root / "nix");
    std::cerr << "building " << settings.generations << " generations on " << root.path() << " ...\n";
    auto setup_start = Clock::now();
    store.build_many(settings.generations);
    const auto [before_spec, after_spec] = diff_pair(settings.packages);
    const auto diff_paths = store.build_systems({before_spec, after_spec});
    const int before_number = store.add_generation(diff_paths[0]);
    const int after_number = store.add_generation(diff_paths[1]);
    const int total = after_number;
    std::cerr << "store ready in " << fixed(ms(Clock::now() - setup_start) / 1000.0, 1) << " s; starting the agent\n";

    TestAgentOptions options;
    options.profile_dir = store.profiles_dir();
    options.env = store.env();
    const auto agent_start = Clock::now();
    TestAgent agent(options);
    auto client = RawClient::unix_socket(agent.socket());
    client.hello();
    int id = 1;
    const auto call = [&](const std::string& method, const json& params) {
      const int this_id = id++;
      client.request(this_id, method, params);
      auto reply = client.response(this_id, std::chrono::seconds(120));
      if (!reply || !reply->contains("result")) {
        throw std::runtime_error(method + " failed: " + (reply ? reply->dump() : std::string("no answer")));
      }
      return std::move(*reply);
    };

    // (b) the agent's background closure sizes: until the list has them all.
    std::size_t list_bytes = 0;
    for (;;) {
      const auto list = call("generations.list", json::object());
      const auto& generations = list["result"]["generations"];
      const bool complete = std::all_of(generations.begin(), generations.end(),
                                        [](const json& g) { return !g["closure_size"].is_null(); });
      if (complete && static_cast<int>(generations.size()) == total) {
        list_bytes = list.dump().size();
        break;
      }
      if (Clock::now() - agent_start > std::chrono::minutes(5)) throw std::runtime_error("closure sizes never came");
    }
    const double sizes_ready = ms(Clock::now() - agent_start);

    RunOptions nix_options;
    nix_options.env = merged(minimal_environment(), store.env());
    std::vector<std::string> all_paths;
    for (const auto& generation : store.list_generations()) all_paths.push_back(generation.store_path.string());
    std::vector<std::string> path_info = {"/usr/bin/nix", "--extra-experimental-features", "nix-command", "path-info",
                                          "-S"};
    path_info.insert(path_info.end(), all_paths.begin(), all_paths.end());
    const auto path_info_time = measure(std::max(2, settings.tool_rounds / 4), [&] { run_ok(path_info, nix_options); });

    // (a) generations.list: until the whole reply line has arrived; the client's JSON parse of it
    // is measured apart (it is the client's cost, and with nlohmann::json not a small one).
    std::string reply_line;
    const auto list_time = measure(settings.rounds, [&] {
      client.request(id++, "generations.list", json::object());
      auto line = client.read_line(std::chrono::seconds(120));
      if (!line || line->find("\"result\"") == std::string::npos) throw std::runtime_error("generations.list failed");
      reply_line = std::move(*line);
    });
    const auto parse_time = measure(settings.rounds, [&] {
      if (!json::parse(reply_line).is_object()) throw std::runtime_error("generations.list: not an object");
    });
    const auto nix_env_time = measure(settings.tool_rounds, [&] {
      run_ok({"/usr/bin/nix-env", "-p", store.system_profile().string(), "--list-generations"}, nix_options);
    });
    // What a script does without the agent: every link, its target, its nixos-version.
    const std::string loop =
        "for l in \"$1\"/system-*-link; do t=$(readlink \"$l\"); v=$(cat \"$l/nixos-version\"); "
        "echo \"$l $t $v\"; done";
    const auto script_time = measure(settings.script_rounds, [&] {
      run_ok({"/bin/sh", "-c", loop, "sh", store.profiles_dir().string()}, nix_options);
    });

    // (c) generations.diff.
    const json diff_params = {{"from", before_number}, {"to", after_number}};
    const auto diff = call("generations.diff", diff_params);
    const auto changes = diff["result"]["changes"].size();
    const auto diff_time = measure(settings.rounds, [&] { call("generations.diff", diff_params); });
    const auto diff_closures_time = measure(settings.tool_rounds, [&] {
      run_ok({"/usr/bin/nix", "--extra-experimental-features", "nix-command", "store", "diff-closures",
              diff_paths[0].string(), diff_paths[1].string()},
             nix_options);
    });

    std::cout << "\nnixtray-bench-generations" << (settings.short_mode ? " --short" : "") << ": relocated Nix store on "
              << TempDir::fast_base().string() << ", " << total << " generations, diff of " << settings.packages
              << "-package generations (" << changes << " changes)\n\n";
    std::cout << "| measurement | nixtray-agent p50 / p99 | baseline | baseline p50 / p99 | ratio (p50) |\n"
                 "| --- | --- | --- | --- | --- |\n";
    std::cout << "| `generations.list`, " << total << " generations (" << list_bytes / 1024 << " KiB reply) | "
              << both(list_time) << " | `nix-env --list-generations` | " << both(nix_env_time) << " | "
              << ratio(list_time, nix_env_time) << " |\n";
    std::cout << "| (client side: parsing that reply with nlohmann::json) | " << both(parse_time) << " | | | |\n";
    std::cout << "| same | " << both(list_time) << " | shell loop: readlink + cat nixos-version per link | "
              << both(script_time) << " | " << ratio(list_time, script_time) << " |\n";
    std::cout << "| closure sizes of all " << total << " generations | in the list (computed once, in the background, "
              << fixed(sizes_ready, 0) << " ms after start) | `nix path-info -S` of the " << total << " paths | "
              << both(path_info_time) << " | — |\n";
    std::cout << "| `generations.diff`, " << settings.packages << " packages | " << both(diff_time)
              << " | `nix store diff-closures` | " << both(diff_closures_time) << " | "
              << ratio(diff_time, diff_closures_time) << " |\n";
    std::cout << "\nrounds: agent " << settings.rounds << ", nix tools " << settings.tool_rounds << ", shell loop "
              << settings.script_rounds << ". generations.list: request sent -> reply line received;"
              << " generations.diff: including the client's parse of the (small) reply.\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "nixtray-bench-generations: " << e.what() << "\n";
    return 1;
  }
}
