// An agent running jobs for real: inside a real systemd (the harness namespace), with a relocated
// Nix store whose system profile holds generation 1 (current and booted), and the nixos-rebuild
// stand-in (tests/jobs/nixos-rebuild-standin) building the configurations in `configs`.
// Shared by the jobs tests and the robustness tests that put jobs under faults.
#pragma once

#include "process_memory.hpp"
#include "systemd_fixture.hpp"

#include "nixtray/testing/nix_store.hpp"
#include "nixtray/testing/system_spec.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::testing {

// A toy NixOS system with hello at `hello_version` and coreutils.
SystemSpec toy_system_spec(const std::string& label, const std::string& hello_version);

// /etc/profile as NixOS generates it (the parts that matter): login shells source the
// set-environment file once.
std::string nixos_login_profile(const std::filesystem::path& set_environment);

// Creates the parent directories, then writes `text`.
void write_text(const std::filesystem::path& file, const std::string& text);

struct JobsFixtureOptions {
  std::string min_free_space = "0";  // the agent's --min-free-space
  // Passed on to SystemdAgentOptions::state_dir_size (a small tmpfs for the state directory).
  std::optional<std::string> state_dir_size;
  // More environment for the agent (e.g. ASAN_OPTIONS; the Nix store's is always there).
  std::map<std::string, std::string> environment;
  // Passed on to SystemdAgentOptions::private_files (e.g. a login profile of the test's own).
  std::map<std::filesystem::path, std::filesystem::path> private_files;
  // Nix with flakes on (nix.settings.experimental-features on a flake system), for the jobs'
  // `nix flake update` and configurations that read their flake.lock.
  bool flakes = false;
};

struct JobsFixture {
  explicit JobsFixture(const JobsFixtureOptions& options = {});
  explicit JobsFixture(const std::string& min_free_space)
      : JobsFixture(JobsFixtureOptions{min_free_space, {}, {}, {}, false}) {}

  // jobs.start; REQUIREs a result and returns the job's id.
  std::string start(const nlohmann::json& params);
  nlohmann::json job(const std::string& id);
  // Polls jobs.get until the job is no longer running; REQUIREs that within the (scaled) timeout.
  nlohmann::json wait_finished(const std::string& id, std::chrono::milliseconds timeout = std::chrono::seconds(120));
  // Every line of the job's log, through jobs.log in pages.
  std::vector<std::string> log_lines(const std::string& id);
  // Where /run/current-system points inside the namespace.
  std::string current_inside();

  TempDir store_dir{"nxj"};
  std::filesystem::path configs = store_dir.path() / "configs";
  std::optional<NixStore> store;
  std::optional<SystemdAgent> agent;
};

// Whether any of the lines contains `text`.
bool contains(const std::vector<std::string>& lines, const std::string& text);

}  // namespace nixtray::testing
