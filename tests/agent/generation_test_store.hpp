// A real relocated Nix store with a few NixOS-like generations (tests/harness NixStore), an agent
// process reading it, and what `nix` itself says about it, for the generations tests.
#pragma once

#include "raw_client.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/nix_store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nixtray::testing {

// Three generations: 1 -> 2 changes hello's version, adds firefox, removes python3, resizes
// payload-1 (+29 KiB, which diff-closures shows) and zlib-1.3 (+1.9 KiB, which it hides);
// 3 has 2's packages and sets a configuration revision.
struct GenerationTestStore {
  TempDir root{"nxn"};
  NixStore store{root / "nix"};
  std::vector<std::filesystem::path> paths;  // store path of generation i + 1

  GenerationTestStore();

  // An agent on this store's system profile, with the store's Nix environment (plus `extra_env`).
  TestAgentOptions agent_options(const Environment& extra_env = {}) const;

  // `nix path-info -S`: the closure size Nix reports.
  std::int64_t nix_closure_size(const std::filesystem::path& path) const;
  // `nix-store -q --requisites`.
  std::set<std::string> nix_requisites(const std::filesystem::path& path) const;
};

// One line of `nix store diff-closures` output: "name: 1.0, 1.1 → 2.0, +12.3 KiB".
struct NixDiffLine {
  std::set<std::string> removed;  // versions only before ("" for ε); empty for ∅
  std::set<std::string> added;
  std::optional<double> size_kib;  // shown only when |delta| >= 8 KiB
};
// Parses the whole output (ANSI colours removed), keyed by package name.
std::map<std::string, NixDiffLine> parse_nix_diff_closures(const std::string& output);

// A connected, greeted client with a request helper.
struct AgentConnection {
  RawClient client;
  int next_id = 1;

  explicit AgentConnection(const TestAgent& agent);
  // The whole response object (result or error); throws when none arrives.
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object());
};

// generations.list until every usable generation has its closure size (it is computed in the
// background), or the timeout; the last list either way.
nlohmann::json wait_for_closure_sizes(AgentConnection& connection);

}  // namespace nixtray::testing
