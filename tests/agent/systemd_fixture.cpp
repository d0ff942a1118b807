#include "systemd_fixture.hpp"

#include "test_agent.hpp"

#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unix_socket_client.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nixtray::testing {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

SystemdNamespaceOptions namespace_options() {
  SystemdNamespaceOptions options;
  options.journald = true;  // units.log reads the namespace's (volatile) journal
  return options;
}

}  // namespace

SystemdAgent::SystemdAgent(SystemdAgentOptions options)
    : dir_("nxsd"), socket_(dir_.path() / "agent.sock"), ns_(namespace_options()) {
  auto serve = prepare_agent_serve(dir_.path(), socket_, options.current_system, options.booted_system);
  ns_.boot();
  if (options.without_system_bus) {
    ns_.systemctl({"stop", "dbus.socket", "dbus.service"});
  }
  if (options.state_dir_size) {
    fs::create_directories(state_dir());
    const auto mounted =
        ns_.run_inside({"/bin/mount", "-n", "-t", "tmpfs", "-o", "mode=0755,size=" + *options.state_dir_size,
                        "nixtray-state", state_dir().string()});
    if (mounted.exit_code() != 0) {
      throw std::runtime_error("cannot mount a tmpfs on the state directory inside the namespace: " +
                               mounted.describe());
    }
  }
  for (const auto& [inside, file] : options.private_files) {
    const auto bound = ns_.run_inside({"/bin/mount", "-n", "--bind", file.string(), inside.string()});
    if (bound.exit_code() != 0) {
      throw std::runtime_error("cannot bind " + file.string() + " over " + inside.string() +
                               " inside the namespace: " + bound.describe());
    }
  }
  ServiceSpec agent;
  agent.description = "nixtray agent under test";
  agent.exec_start = std::move(serve);
  agent.exec_start.insert(agent.exec_start.end(),
                          {"--profile-dir", options.profile_dir.value_or(dir_.path() / "profiles").string()});
  agent.exec_start.insert(agent.exec_start.end(), options.extra_args.begin(), options.extra_args.end());
  agent.environment = {{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}, {"HOME", dir_.path().string()}};
  for (const auto& [name, value] : options.environment) {
    agent.environment[name] = value;
  }
  agent.type = "notify";
  agent.log_file = dir_.path() / "agent.log";
  agent.extra_unit_lines = {"After=dbus.socket"};
  ns_.start_service(unit, agent);
  if (!UnixSocketClient::wait_for_listener(socket_, 10s)) {
    throw std::runtime_error("the agent inside the namespace does not listen on " + socket_.string() + ":\n" + log());
  }
}

SystemdAgent::~SystemdAgent() {
  // Stop the agent first (it is ours), then the namespace; the TempDir goes last.
  if (ns_.running()) {
    ns_.systemctl({"stop", unit});
  }
  ns_.poweroff();
}

std::string SystemdAgent::log() const {
  std::ifstream in(dir_.path() / "agent.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t SystemdAgent::host_pid() const {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_.c_str(), sizeof(address.sun_path) - 1);
  ucred credentials{};
  socklen_t length = sizeof(credentials);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0;
  ::close(fd);
  if (!ok || credentials.pid <= 0) {
    throw std::runtime_error("cannot tell the agent's PID from " + socket_.string());
  }
  return credentials.pid;
}

RawClient SystemdAgent::client() const {
  auto client = RawClient::unix_socket(socket_);
  const auto hello = client.hello();
  if (!hello.contains("result")) {
    throw std::runtime_error("hello failed: " + hello.dump());
  }
  return client;
}

RawClient SystemdAgent::subscriber(const std::vector<std::string>& topics) const {
  auto client = this->client();
  client.request(2, "subscribe", {{"topics", topics}});
  const auto response = client.response(2, scaled(10s));
  if (!response || !response->contains("result")) {
    throw std::runtime_error("subscribe failed: " + (response ? response->dump() : std::string("no answer")));
  }
  return client;
}

json SystemdAgent::call(const std::string& method, const json& params) const {
  auto client = this->client();
  client.request(3, method, params);
  const auto response = client.response(3, scaled(30s));
  if (!response) {
    throw std::runtime_error(method + ": no answer from the agent");
  }
  return *response;
}

json SystemdAgent::wait_for_status(const std::function<bool(const json&)>& pred,
                                   std::chrono::milliseconds timeout) const {
  json last;
  wait_until(
      [&] {
        last = status();
        return pred(last);
      },
      scaled(timeout), 50ms);
  return last;
}

std::optional<json> wait_for_event(RawClient& client, const std::string& topic,
                                   const std::function<bool(const json&)>& pred, std::chrono::milliseconds timeout,
                                   std::vector<json>* seen) {
  const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) {
      return std::nullopt;
    }
    const auto message = client.read_json(left);
    if (!message) {
      return std::nullopt;
    }
    if (message->value("method", "") != "event") {
      continue;
    }
    const auto& params = (*message)["params"];
    if (seen) {
      seen->push_back(params);
    }
    if (params.value("topic", "") == topic && pred(params["data"])) {
      return params["data"];
    }
  }
}

const json* find_unit(const json& units, const std::string& name) {
  for (const auto& unit : units) {
    if (unit.value("name", "") == name) {
      return &unit;
    }
  }
  return nullptr;
}

}  // namespace nixtray::testing
