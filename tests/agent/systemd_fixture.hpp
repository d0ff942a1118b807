// The agent under test running the production way: as a service inside a real systemd (the
// harness's SystemdNamespace), reaching systemd over its own bus, with its socket in a host
// TempDir so host-side clients can talk to it. Powered off (agent included) on destruction.
#pragma once

#include "raw_client.hpp"

#include "nixtray/testing/systemd_namespace.hpp"
#include "nixtray/testing/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::testing {

struct SystemdAgentOptions {
  // Stop dbus.socket/dbus.service before the agent starts: it must fall back to systemd's
  // private socket.
  bool without_system_bus = false;
  std::vector<std::string> extra_args;
  // Where the agent reads the system profile and the current/booted links (default: empty
  // directories in the test's TempDir); and more environment for it (e.g. a Nix store's).
  std::optional<std::filesystem::path> profile_dir;
  std::optional<std::filesystem::path> current_system;
  std::optional<std::filesystem::path> booted_system;
  std::map<std::string, std::string> environment;
  // A tmpfs of this size (mount's size=, e.g. "1m") on the state directory, mounted inside the
  // namespace's private mount namespace before the agent starts: the agent and its jobs write to
  // a filesystem a test can fill up, the host's never fills and never sees the mount.
  std::optional<std::string> state_dir_size;
  // Files bound over paths inside the namespace's private mount namespace before the agent starts
  // (path inside -> host file), e.g. a group database of the test's own: the agent sees them, the
  // host's files are never touched.
  std::map<std::filesystem::path, std::filesystem::path> private_files;
};

class SystemdAgent {
 public:
  static constexpr const char* unit = "nixtray-agent.service";

  explicit SystemdAgent(SystemdAgentOptions options = {});
  ~SystemdAgent();
  SystemdAgent(const SystemdAgent&) = delete;
  SystemdAgent& operator=(const SystemdAgent&) = delete;

  SystemdNamespace& ns() { return ns_; }
  [[nodiscard]] const std::filesystem::path& socket() const { return socket_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  // The agent's --state-dir (a path inside the namespace; with state_dir_size the host reaches
  // what the agent sees there through ns().host_path(state_dir())).
  [[nodiscard]] std::filesystem::path state_dir() const { return dir_.path() / "state"; }
  // Everything the agent wrote to stdout/stderr so far.
  [[nodiscard]] std::string log() const;
  // The agent's PID as the host sees it (from SO_PEERCRED on its socket).
  [[nodiscard]] pid_t host_pid() const;

  // A connected client that has said hello.
  [[nodiscard]] RawClient client() const;
  // A client subscribed to the topics (the subscribe response is consumed).
  [[nodiscard]] RawClient subscriber(const std::vector<std::string>& topics) const;
  // One request on a fresh connection; the whole response (result or error).
  [[nodiscard]] nlohmann::json call(const std::string& method,
                                    const nlohmann::json& params = nlohmann::json::object()) const;
  [[nodiscard]] nlohmann::json status() const { return call("status")["result"]; }
  // Polls `status` until pred(status) holds or the (scaled) timeout passes; the last status.
  nlohmann::json wait_for_status(const std::function<bool(const nlohmann::json&)>& pred,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

 private:
  TempDir dir_;
  std::filesystem::path socket_;
  SystemdNamespace ns_;
};

// Reads events from `client` until one of `topic` satisfies pred; nullopt at the (scaled)
// timeout. Events of other topics and non-matching ones are skipped (but kept in `seen`).
std::optional<nlohmann::json> wait_for_event(RawClient& client, const std::string& topic,
                                             const std::function<bool(const nlohmann::json& data)>& pred,
                                             std::chrono::milliseconds timeout = std::chrono::seconds(20),
                                             std::vector<nlohmann::json>* seen = nullptr);

// The unit called `name` in a JSON array of units, or nullptr.
const nlohmann::json* find_unit(const nlohmann::json& units, const std::string& name);

}  // namespace nixtray::testing
