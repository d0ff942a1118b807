// Socket activation as shipped: the plain units of resources/systemd (nixtray-agent.socket and
// nixtray-agent.service) installed in a real systemd (the harness namespace), with only their paths
// rewritten to the test's directory and the built agent. Only the socket is started; a client's
// first connection must start the service, which serves on the sockets systemd passes it.
#include "catch.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/systemd_namespace.hpp"
#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/text_file.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char* socket_unit = "nixtray-agent.socket";
constexpr const char* service_unit = "nixtray-agent.service";

// Replaces the whole line that starts with `key` (e.g. "ExecStart="); REQUIREs that it is there,
// so a change of the shipped unit shows up here instead of passing unnoticed.
std::string replace_line(const std::string& text, const std::string& key, const std::string& replacement) {
  std::istringstream in(text);
  std::string out;
  std::string line;
  bool found = false;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      found = true;
      if (!replacement.empty()) out += replacement + "\n";
    } else {
      out += line + "\n";
    }
  }
  INFO("the shipped unit has no line starting with " << key);
  REQUIRE(found);
  return out;
}

// The shipped units, their paths moved into `dir`, `tcp_port` (if any) as a second ListenStream
// the way the socket unit's comment says to add it, and the agent's config file to match.
struct ActivationSetup {
  TempDir dir{"nxact"};
  fs::path socket = dir.path() / "sock" / "agent.sock";  // its directory is systemd's to create
  fs::path nix_state = dir.path() / "nixstate";
  PlainProfile profile = make_plain_profile(nix_state);
  fs::path state_dir = dir.path() / "state";
  fs::path log = dir.path() / "agent.log";
  std::optional<SystemdNamespace> ns;

  explicit ActivationSetup(std::optional<int> tcp_port = std::nullopt) {
    profile.add(1, "24.11.20241201.aaaaaaa (Vicuna)");
    profile.set_default(1);
    profile.set_current(1);
    profile.set_booted(1);
    fs::create_directories(dir.path() / "nixstore");
    fs::create_directories(state_dir);
    fs::permissions(state_dir, fs::perms::owner_all, fs::perm_options::replace);
    json config = {{"socket", socket.string()}};
    if (tcp_port) config["tcp"] = "127.0.0.1:" + std::to_string(*tcp_port);
    std::ofstream(dir / "agent.json") << config.dump() << "\n";

    const fs::path shipped = fs::path(NIXTRAY_SOURCE_DIR) / "resources" / "systemd";
    auto socket_text = read_text(shipped / socket_unit);
    socket_text = replace_line(
        socket_text, "ListenStream=/run/nixtray/agent.sock",
        "ListenStream=" + socket.string() + (tcp_port ? "\nListenStream=127.0.0.1:" + std::to_string(*tcp_port) : ""));

    auto service_text = read_text(shipped / service_unit);
    // No --profile-dir: with Nix relocated by NIX_STATE_DIR the agent finds the profiles itself.
    service_text =
        replace_line(service_text, "ExecStart=@NIXTRAY_AGENT_EXECUTABLE@ serve",
                     "ExecStart=" + agent_binary().string() + " serve --config " + (dir / "agent.json").string() +
                         " --state-dir " + state_dir.string() + " --current-system " + profile.current_link.string() +
                         " --booted-system " + profile.booted_link.string() +
                         "\nStandardOutput=append:" + log.string() + "\nStandardError=append:" + log.string());
    // The namespace shares the host's /var/lib and /nix: the state and Nix live in the test's
    // directory instead, and nothing is looked up in the host's /nix.
    service_text = replace_line(service_text, "StateDirectory", "");  // StateDirectory= and its mode
    service_text =
        replace_line(service_text, "Environment=HOME=/root",
                     "Environment=HOME=" + dir.path().string() + "\nEnvironment=NIX_STATE_DIR=" + nix_state.string() +
                         "\nEnvironment=NIX_STORE_DIR=" + (dir.path() / "nixstore").string());
    service_text = replace_line(service_text, "Environment=PATH=", "Environment=PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    REQUIRE(service_text.find("/nix/var") == std::string::npos);
    REQUIRE(service_text.find("Type=notify") != std::string::npos);

    SystemdNamespaceOptions options;
    options.work_dir = dir.path() / "ns";
    fs::create_directories(options.work_dir);
    ns.emplace(options);
    ns->boot();
    ns->install_unit(service_unit, service_text);
    ns->install_unit(socket_unit, socket_text);
    const auto started = ns->systemctl({"start", socket_unit});
    INFO(started.describe());
    REQUIRE(started.exit_code() == 0);
  }

  ~ActivationSetup() {
    if (ns && ns->running()) {
      ns->systemctl({"stop", service_unit, socket_unit});
    }
    ns.reset();  // powers off before the directory goes
  }
  ActivationSetup(const ActivationSetup&) = delete;
  ActivationSetup& operator=(const ActivationSetup&) = delete;

  [[nodiscard]] std::string agent_log() const { return read_text(log); }
  [[nodiscard]] std::string describe() {
    return "agent log:\n" + agent_log() + "\nsocket: " + ns->systemctl({"status", socket_unit}).out +
           "\nservice: " + ns->systemctl({"status", service_unit}).out;
  }
};

json status_of(RawClient& client) {
  client.request(2, "status");
  const auto reply = client.response(2, scaled(20s));
  REQUIRE(reply);
  return *reply;
}

}  // namespace

TEST_CASE("socket activation: the shipped units start the agent on the first connection to its socket") {
  ActivationSetup setup;
  CHECK(setup.ns->active_state(socket_unit) == "active");
  CHECK(setup.ns->active_state(service_unit) == "inactive");

  // systemd made the socket with the unit's modes (the agent did not run yet).
  struct stat info {};
  REQUIRE(::stat(setup.socket.c_str(), &info) == 0);
  CHECK(S_ISSOCK(info.st_mode));
  CHECK((info.st_mode & 0777) == 0660);
  REQUIRE(::stat(setup.socket.parent_path().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0750);

  auto client = RawClient::unix_socket(setup.socket);
  const auto hello = client.hello();
  INFO(hello.dump() << "\n" << setup.describe());
  REQUIRE(hello.contains("result"));
  CHECK(hello["result"]["authorized"] == true);
  const auto status = status_of(client);
  REQUIRE(status.contains("result"));
  CHECK(status["result"]["generations"]["default"] == 1);  // found through NIX_STATE_DIR
  CHECK(status["result"]["nixos_version"] == "24.11.20241201.aaaaaaa (Vicuna)");

  CHECK(setup.ns->active_state(service_unit) == "active");
  CHECK(setup.agent_log().find("serving on a Unix socket passed by systemd") != std::string::npos);

  // The command line reaches the same agent; the agent never made a socket of its own.
  const auto cli = run_process({agent_binary().string(), "--socket", setup.socket.string(), "status", "--json"});
  INFO(cli.describe());
  CHECK(cli.ok());
  CHECK(setup.agent_log().find("listening on") == std::string::npos);

  // Stopped, the service leaves the socket to systemd, and the next connection starts it again.
  REQUIRE(setup.ns->systemctl({"stop", service_unit}).exit_code() == 0);
  CHECK(setup.ns->active_state(socket_unit) == "active");
  CHECK(::stat(setup.socket.c_str(), &info) == 0);
  auto again = RawClient::unix_socket(setup.socket);
  CHECK(again.hello().contains("result"));
  CHECK(setup.ns->active_state(service_unit) == "active");
}

TEST_CASE("socket activation over loopback TCP: a connection starts the agent, which requires the handshake") {
  const int port = free_tcp_port();
  ActivationSetup setup(port);
  CHECK(setup.ns->active_state(service_unit) == "inactive");

  {
    // The first connection is a TCP one: it starts the service, and a hello without the nonce of
    // the challenge-response is refused.
    auto client = RawClient::tcp(port);
    const auto hello = client.hello();
    INFO(hello.dump() << "\n" << setup.describe());
    REQUIRE(hello.contains("error"));
    CHECK(hello["error"]["code"] == -32602);
    CHECK(client.closed_by_peer());
  }
  CHECK(setup.ns->active_state(service_unit) == "active");
  CHECK(setup.agent_log().find("passed by systemd") != std::string::npos);
  const auto main_pid = setup.ns->unit_property(service_unit, "MainPID");

  std::string token;
  std::getline(std::ifstream(setup.state_dir / "token"), token);
  REQUIRE(token.size() == 64);
  {
    auto client = RawClient::tcp(port);
    CHECK_THROWS(client.authenticate(std::string(64, '0')));  // the agent's proof is not of this token
  }
  auto client = RawClient::tcp(port);
  const auto auth = client.authenticate(token);
  INFO(auth.dump() << "\n" << setup.describe());
  REQUIRE(auth.contains("result"));
  CHECK(auth["result"]["authorized"] == true);
  const auto status = status_of(client);
  REQUIRE(status.contains("result"));
  CHECK(status["result"]["generations"]["default"] == 1);

  // The same process serves the Unix socket systemd passed along with the TCP one.
  auto local = RawClient::unix_socket(setup.socket);
  CHECK(local.hello().contains("result"));
  CHECK(setup.ns->unit_property(service_unit, "MainPID") == main_pid);
  CHECK(setup.ns->unit_property(service_unit, "NRestarts") == "0");
}
