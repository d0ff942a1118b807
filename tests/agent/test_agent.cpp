#include "test_agent.hpp"

#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unix_socket_client.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace nixtray::testing {

namespace fs = std::filesystem;

fs::path agent_binary() { return NIXTRAY_AGENT_BINARY; }

int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

void PlainProfile::add(int n, const std::string& label) {
  fs::create_directories(system_path(n));
  std::ofstream(system_path(n) / "nixos-version") << label << "\n";
  fs::create_symlink(system_path(n), profile_dir / ("system-" + std::to_string(n) + "-link"));
}

void PlainProfile::set_default(int n) {
  const auto temporary = profile_dir / "system.tmp";
  fs::create_symlink("system-" + std::to_string(n) + "-link", temporary);
  fs::rename(temporary, profile_dir / "system");
}

static void repoint(const fs::path& link, const fs::path& target) {
  const auto temporary = link.string() + ".tmp";
  fs::remove(temporary);
  fs::create_symlink(target, temporary);
  fs::rename(temporary, link);
}

void PlainProfile::set_current(int n) { repoint(current_link, system_path(n)); }
void PlainProfile::set_booted(int n) { repoint(booted_link, system_path(n)); }

fs::path PlainProfile::system_path(int n) const { return systems_dir / ("system-" + std::to_string(n)); }

TestAgentOptions agent_options_for(const PlainProfile& profile) {
  TestAgentOptions options;
  options.profile_dir = profile.profile_dir;
  options.current_system = profile.current_link;
  options.booted_system = profile.booted_link;
  return options;
}

PlainProfile make_plain_profile(const fs::path& root) {
  PlainProfile profile{root / "profiles", root / "systems", root / "run" / "current-system",
                       root / "run" / "booted-system"};
  fs::create_directories(profile.profile_dir);
  fs::create_directories(profile.systems_dir);
  fs::create_directories(root / "run");
  return profile;
}

PlainProfile make_two_generation_profile(const fs::path& root) {
  auto profile = make_plain_profile(root);
  profile.add(1, "24.05.20240601.aaaaaaa (Uakari)");
  profile.add(2, "24.11.20241201.bbbbbbb (Vicuna)");
  profile.set_default(2);
  profile.set_current(2);
  profile.set_booted(2);
  return profile;
}

std::vector<std::string> prepare_agent_serve(const fs::path& dir, const fs::path& socket,
                                             const std::optional<fs::path>& current_system,
                                             const std::optional<fs::path>& booted_system) {
  fs::create_directories(dir / "profiles");
  std::ofstream(dir / "agent.json") << "{}\n";
  return {agent_binary().string(),
          "serve",
          "--config",
          (dir / "agent.json").string(),
          "--socket",
          socket.string(),
          "--state-dir",
          (dir / "state").string(),
          "--current-system",
          current_system.value_or(dir / "current-system").string(),
          "--booted-system",
          booted_system.value_or(dir / "booted-system").string()};
}

TestAgent::TestAgent(TestAgentOptions options) : dir_("nxa") {
  socket_ = dir_.path() / "run" / "agent.sock";
  auto argv = prepare_agent_serve(dir_.path(), socket_, options.current_system, options.booted_system);
  if (options.pass_profile_dir) {
    argv.insert(argv.end(), {"--profile-dir", options.profile_dir.value_or(dir_.path() / "profiles").string()});
  }
  if (options.tcp) {
    tcp_port_ = free_tcp_port();
    argv.push_back("--tcp");
    argv.push_back("127.0.0.1:" + std::to_string(tcp_port_));
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  SpawnOptions spawn;
  spawn.env = merged(merged(current_environment(), {{"HOME", dir_.path().string()}}), options.env);
  // Never the host's systemd: a test agent sees no system bus (and so no systemd: it reports
  // "offline") unless a test gives it one.
  if (!spawn.env.contains("DBUS_SYSTEM_BUS_ADDRESS")) {
    spawn.env["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=" + (dir_.path() / "no-system-bus").string();
  }
  spawn.stdout_to = Redirect::append_to(dir_.path() / "agent.log");
  spawn.stderr_to = Redirect::append_to(dir_.path() / "agent.log");
  spawn.die_with_parent = true;
  process_.emplace(Subprocess::spawn(argv, std::move(spawn)));
  const bool up = wait_until([this] { return UnixSocketClient::can_connect(socket_) || !process_->running(); },
                             scaled(std::chrono::seconds(10)));
  if (!up || !process_->running()) {
    throw std::runtime_error("the agent did not start:\n" + log());
  }
}

TestAgent::~TestAgent() { kill(); }

void TestAgent::kill() {
  if (process_ && process_->running()) {
    process_->send_signal(SIGTERM);
    if (!process_->wait_for(scaled(std::chrono::seconds(5)))) {
      process_->kill_and_wait();
    }
  }
}

bool TestAgent::running() { return process_ && process_->running(); }

std::string TestAgent::token() const {
  std::ifstream in(dir_.path() / "state" / "token");
  std::string token;
  std::getline(in, token);
  return token;
}

std::string TestAgent::log() const {
  std::ifstream in(dir_.path() / "agent.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> TestAgent::cli(std::vector<std::string> args) const {
  std::vector<std::string> argv = {agent_binary().string(), "--socket", socket_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace nixtray::testing
