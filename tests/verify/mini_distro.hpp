// A miniature NixOS-WSL distro for verify-boot tests, on real components: a relocated Nix store
// whose system profile holds toy generations built by real derivations; a "distro" that is the
// harness's miniature boot (PID 1 execs the profile's own init, which runs activate, writing its
// report to the test's activation log, then execs real systemd); the agent under test started by
// a unit the generation contains, from the generation's sw/bin/nixtray-agent, with its socket and
// state in the test's TempDir. nixtrayctl controls it with the command-based distro control and
// the test stand-in tests/verify/mini-distro-standin (start/stop/is-running/exec-as-root/console).
// Its agent has no probation (agent.json: probation 0) unless a test writes another setting.
// Its journal is persistent (journal/ in the test's directory), so a boot reads the earlier ones.
#pragma once

#include "raw_client.hpp"

#include "nixtray/testing/nix_store.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/subprocess.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::testing {

class MiniDistro {
 public:
  MiniDistro();
  ~MiniDistro();  // powers the distro off (whatever state the test left it in)
  MiniDistro(const MiniDistro&) = delete;
  MiniDistro& operator=(const MiniDistro&) = delete;

  NixStore& store() { return store_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  [[nodiscard]] std::filesystem::path socket() const { return dir_ / "agent.sock"; }
  [[nodiscard]] std::filesystem::path state_dir() const { return dir_ / "state"; }
  [[nodiscard]] std::filesystem::path settings_file() const { return dir_ / "settings.json"; }
  [[nodiscard]] std::filesystem::path configs() const { return dir_ / "configs"; }
  [[nodiscard]] std::filesystem::path journal_dir() const { return dir_ / "journal"; }
  // A home directory for the toy users, inside the test's directory.
  [[nodiscard]] std::filesystem::path home(const std::string& user) const { return dir_ / "home" / user; }
  // The agent's settings file (/etc/nixtray/agent.json of the generations), read when the agent starts.
  void write_agent_config(const nlohmann::json& settings) const;

  // A generation that boots: init, activate, systemd, a wsl.conf with systemd=true and root as the
  // default user, an etc/passwd (root, with its login shell in the generation and its home in the
  // test's directory), the agent (sw/bin/nixtray-agent) and its unit, and a user@.service (the
  // systemd user session WSL starts at a login: a stand-in that stays active).
  [[nodiscard]] SystemSpec good_generation(const std::string& label) const;
  // Builds it and makes it the next generation of the system profile (what boots next).
  int add_generation(const SystemSpec& spec);
  // Generations 1 and 2 that boot; the distro runs 2, which the agent has marked known-good.
  void boot_known_good_two();

  // The --start, --stop, --is-running, --exec-as-root and --console commands nixtrayctl gets.
  [[nodiscard]] std::string control_command(const std::string& action) const;
  // nixtrayctl with this distro's agent, settings file and distro control, then `args`.
  ProcessResult nixtrayctl(const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout = std::chrono::minutes(5));
  // The same, started in the background (stdout and stderr to files in the test's directory).
  Subprocess spawn_nixtrayctl(const std::vector<std::string>& args);
  [[nodiscard]] std::vector<std::string> nixtrayctl_argv(const std::vector<std::string>& args) const;

  // The distro's lifecycle through nixtrayctl (REQUIREs success).
  void start();
  void stop();
  [[nodiscard]] bool running() const;

  // The stand-in's `console ARGV...`: `wsl.exe -d NixOS -- ARGV` (the default user's login shell).
  ProcessResult console(const std::vector<std::string>& argv) const;
  // argv inside the running distro's namespaces as root (nsenter), with `env` as its environment.
  ProcessResult run_inside(const std::vector<std::string>& argv, const Environment& env = {}) const;

  // One request on a fresh connection to the agent: the whole response.
  nlohmann::json agent_call(const std::string& method, const nlohmann::json& params = nlohmann::json::object()) const;
  nlohmann::json agent_status() const { return agent_call("status")["result"]; }

  // The settings file as JSON (null when absent), and the record it keeps for the distro.
  [[nodiscard]] nlohmann::json settings() const;
  [[nodiscard]] nlohmann::json distro_record() const;
  // What the stand-in was asked to do, in order ("start begin", "start end 0", ...).
  [[nodiscard]] std::vector<std::string> control_log() const;
  // Everything the agents of all boots wrote.
  [[nodiscard]] std::string agent_log() const;
  // The PID of the namespace's PID 1 while it runs (from the harness's env file), else 0.
  [[nodiscard]] long namespace_pid() const;
  // For failure messages: the logs of the stand-in, the harness and the agent.
  [[nodiscard]] std::string diagnostics() const;

 private:
  TempDir dir_;
  NixStore store_;
};

// The lines of a text file (empty when it does not exist).
std::vector<std::string> read_lines(const std::filesystem::path& file);

// What `nixtrayctl verify-boot --json` printed, parsed (the test fails when it is not JSON).
nlohmann::json parse_output(const ProcessResult& result);

// The report's step `name` of `phase` ("verify", or "recover" after a rollback), or nullptr.
const nlohmann::json* find_step(const nlohmann::json& report, const std::string& name,
                                const std::string& phase = "verify");

}  // namespace nixtray::testing
