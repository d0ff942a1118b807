// A real nixtray-agent process on a temporary socket, for tests that talk to it over real
// sockets. Started from its argv, stopped by PID, its directory removed, even when a test fails.
#pragma once

#include "nixtray/testing/environment.hpp"
#include "nixtray/testing/subprocess.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::testing {

// A profile directory with system-N-link generations that are plain directories (no Nix needed),
// for tests of the agent's reading rather than of Nix.
struct PlainProfile {
  std::filesystem::path profile_dir;
  std::filesystem::path systems_dir;
  std::filesystem::path current_link;
  std::filesystem::path booted_link;

  // Generation n: a directory with nixos-version "<label>", linked as system-n-link.
  void add(int n, const std::string& label);
  void set_default(int n);
  void set_current(int n);
  void set_booted(int n);
  [[nodiscard]] std::filesystem::path system_path(int n) const;
};
PlainProfile make_plain_profile(const std::filesystem::path& root);
// Generations 1 and 2, the system (default, current and booted) being 2.
PlainProfile make_two_generation_profile(const std::filesystem::path& root);

struct TestAgentOptions {
  std::vector<std::string> extra_args;
  bool tcp = false;                                  // also listen on 127.0.0.1:<free port> with a token
  std::optional<std::filesystem::path> profile_dir;  // default: <dir>/profiles (empty)
  bool pass_profile_dir = true;                      // false: no --profile-dir at all, the agent picks its own default
  std::optional<std::filesystem::path> current_system;  // default: <dir>/current-system
  std::optional<std::filesystem::path> booted_system;
  Environment env;  // set in the agent's environment on top of this process's (e.g. NixStore::env())
};

// Options for an agent that reads `profile` (its system profile, current and booted links).
TestAgentOptions agent_options_for(const PlainProfile& profile);

class TestAgent {
 public:
  explicit TestAgent(TestAgentOptions options = {});
  ~TestAgent();
  TestAgent(const TestAgent&) = delete;
  TestAgent& operator=(const TestAgent&) = delete;

  [[nodiscard]] const std::filesystem::path& socket() const { return socket_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  [[nodiscard]] std::filesystem::path state_dir() const { return dir_.path() / "state"; }
  [[nodiscard]] int tcp_port() const { return tcp_port_; }
  [[nodiscard]] std::string token() const;
  [[nodiscard]] bool running();
  [[nodiscard]] pid_t pid() const { return process_->pid(); }
  // Everything the agent wrote to stderr so far.
  [[nodiscard]] std::string log() const;
  void kill();

  // The argv of the agent's CLI for this agent: {agent, --socket, <socket>, args...}.
  [[nodiscard]] std::vector<std::string> cli(std::vector<std::string> args) const;

 private:
  TempDir dir_;
  std::filesystem::path socket_;
  int tcp_port_ = 0;
  std::optional<Subprocess> process_;
};

// The agent executable under test.
std::filesystem::path agent_binary();
// Prepares `dir` for an agent under test (an empty agent.json and profiles/) and returns the
// `nixtray-agent serve` command line both TestAgent and SystemdAgent start from: its config, socket,
// state directory (<dir>/state), current and booted system (default <dir>/current-system, ...).
std::vector<std::string> prepare_agent_serve(const std::filesystem::path& dir, const std::filesystem::path& socket,
                                             const std::optional<std::filesystem::path>& current_system,
                                             const std::optional<std::filesystem::path>& booted_system);
int free_tcp_port();

}  // namespace nixtray::testing
