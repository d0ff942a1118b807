// The agent's settings: defaults from the settings schema (resources/agent/settings.json, embedded
// at build time), then the config file (/etc/nixtray/agent.json), then command-line flags.
#pragma once

#include "nixtray/cli/command_line.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

namespace fs = std::filesystem;

struct SettingDescription {
  std::string name;
  std::string type;  // path, string, integer
  nlohmann::json default_value;
  std::string description;
};

// The embedded schema, parsed once.
const std::vector<SettingDescription>& settings_schema();

// `--name VALUE` options for `serve`, one per setting.
std::vector<cli::Option> settings_as_options();

struct AgentConfig {
  fs::path socket;
  std::optional<std::string> group;
  std::optional<std::string> tcp;  // "127.0.0.1:PORT"
  fs::path token_file;
  fs::path state_dir;
  fs::path profile_dir;
  fs::path current_system;
  fs::path booted_system;
  std::string rebuild_command;
  std::optional<std::string> flake;
  std::optional<fs::path> activation_log;
  std::int64_t log_budget = 0;
  std::int64_t min_free_space = 0;
  std::chrono::seconds hello_timeout{10};
  std::chrono::seconds client_timeout{30};
  int max_clients = 4096;
  // After a passed boot check, how long the generation must run with no unit failing before it
  // becomes known-good.
  std::chrono::seconds probation{600};
  // How long a boot check may stay started without a verdict before it counts as over
  // (verify/unfinished_check.hpp: why an hour).
  std::chrono::seconds verify_timeout{3600};
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Merges schema defaults, the file (if it exists; an explicit --config must exist) and flags.
// Unknown keys, wrong types and bad values give a ConfigError naming the key and the file.
AgentConfig load_agent_config(const cli::ParsedCommandLine& flags);

// Only the paths a client needs (the socket), without reading the file strictly: the CLI must
// work even when the daemon's config is broken.
fs::path configured_socket_path(const cli::ParsedCommandLine& flags);

}  // namespace nixtray::agent
