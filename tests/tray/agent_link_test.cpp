// AgentLink against a real nixtray-agent on a temporary socket, over the three transports.
#include "catch.hpp"
#include "link_fixtures.hpp"

#include "core/distro/command_distro_control.hpp"
#include "core/link/agent_actions.hpp"
#include "core/state/state_text.hpp"

#include "nixtray/crypto/secret_file.hpp"
#include "nixtray/protocol/envelope.hpp"
#include "nixtray/protocol/wire_text.hpp"

#include <fstream>

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;
namespace fs = std::filesystem;

namespace {

void check_initial_state(const LinkWatcher& watcher) {
  const auto& state = watcher.state;
  REQUIRE(state.hello);
  CHECK(state.hello->protocol == protocol::protocol_version);
  CHECK_FALSE(state.hello->agent.empty());
  CHECK(state.hello->authorized);
  REQUIRE(state.status);
  CHECK(state.status->generations.current == 1);
  CHECK(state.status->generations.default_generation == 1);
  REQUIRE(state.generations.size() == 1);
  CHECK(state.generations[0].number == 1);
  CHECK(current_generation(state) == 1);
  CHECK(watcher.count<LinkConnected>() == 1);
  CHECK(watcher.count<StatusReceived>() >= 1);
  CHECK(watcher.count<GenerationsReceived>() >= 1);
  CHECK(present(state, "NixOS").tooltip.starts_with("NixOS 24.05 \xE2\x80\x94 gen 1, "));
}

std::string read_token(const testing::TestAgent& agent) {
  const auto file = agent.state_dir() / "token";
  REQUIRE(testing::wait_until([&] { return fs::exists(file) && fs::file_size(file) >= 64; }, testing::scaled(10s)));
  return agent.token();
}

// Points `link` at `target` atomically: clients see the same socket path across agent restarts.
void point_symlink(const fs::path& link, const fs::path& target) {
  auto temporary = link;
  temporary += ".new";
  fs::remove(temporary);
  fs::create_symlink(target, temporary);
  fs::rename(temporary, link);
}

// A test stand-in for an agent of protocol 3: answers hello with "protocol": 3, nothing else.
class ProtocolThreeAgentStandIn {
 public:
  ProtocolThreeAgentStandIn(asio::io_context& io, const fs::path& socket)
      : acceptor_(io, asio::local::stream_protocol::endpoint(socket.string())) {
    asio::co_spawn(io, serve(), asio::detached);
  }
  int connections = 0;

 private:
  asio::awaitable<void> serve() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(net::use_nothrow);
      if (ec) co_return;
      ++connections;
      std::string line;
      auto [read_ec, n] = co_await asio::async_read_until(socket, asio::dynamic_buffer(line), '\n', net::use_nothrow);
      if (read_ec) continue;
      const auto request = protocol::json::parse(line.substr(0, n));
      const protocol::json reply = {
          {"jsonrpc", "2.0"},
          {"id", request["id"]},
          {"result", {{"protocol", 3}, {"agent", "9.0.0"}, {"authorized", true}, {"methods", {"hello"}}}}};
      const auto text = reply.dump() + "\n";
      co_await asio::async_write(socket, asio::buffer(text), net::use_nothrow);
    }
  }
  asio::local::stream_protocol::acceptor acceptor_;
};

}  // namespace

TEST_CASE("over unix: the link says hello, subscribes and receives the initial state") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  LinkWatcher watcher;
  watcher.start(link_options(unix_endpoint(agent.socket())));
  REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));
  check_initial_state(watcher);
  CHECK(watcher.state.endpoint == "unix:" + agent.socket().string());
  CHECK(watcher.link->connected());
}

TEST_CASE("over exec: the bridge command carries the protocol") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  net::Endpoint endpoint;
  endpoint.kind = net::Endpoint::Kind::command;
  endpoint.argv = {testing::agent_binary().string(), "bridge", "--socket", agent.socket().string()};
  LinkWatcher watcher;
  watcher.start(link_options(endpoint));
  REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));
  check_initial_state(watcher);
}

TEST_CASE("over tcp: the token from the token file authorizes the connection") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options(true));
  read_token(agent);
  auto options = link_options(net::parse_endpoint("tcp:127.0.0.1:" + std::to_string(agent.tcp_port())));
  options.token_file = agent.state_dir() / "token";
  LinkWatcher watcher;
  watcher.start(options);
  REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));
  check_initial_state(watcher);
}

TEST_CASE("a new generation arrives as an event") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  LinkWatcher watcher;
  watcher.start(link_options(unix_endpoint(agent.socket())));
  REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));
  const auto snapshots = watcher.count<GenerationsReceived>();

  distro.profile.add(2, "24.05.20240201.bbbbbbb (Uakari)");
  distro.profile.set_default(2);
  REQUIRE(watcher.run_until([&] { return watcher.state.generations.size() == 2; }));
  CHECK(watcher.count<GenerationsReceived>() > snapshots);
  CHECK(watcher.state.generations[0].number == 2);  // newest first
  CHECK(watcher.state.generations[0].is_default);
  REQUIRE(watcher.run_until([&] { return watcher.state.status->generations.default_generation == 2; }));
  CHECK(watcher.state.status->boot_pending);
}

TEST_CASE("a killed agent: unreachable, then a reconnect with backoff to a new agent on the same socket") {
  PlainDistro distro;
  testing::TempDir links("nxk");
  const auto socket = links / "agent.sock";
  testing::TestAgent first(distro.agent_options());
  point_symlink(socket, first.socket());

  LinkWatcher watcher;
  auto options = link_options(unix_endpoint(socket));
  watcher.start(options);
  REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));

  first.kill();
  REQUIRE(watcher.run_until([&] { return watcher.state.condition == TrayCondition::unreachable; }));
  const auto lost = watcher.all<LinkUnreachable>();
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].was_connected);
  CHECK_FALSE(lost[0].expected);
  CHECK(lost[0].reason == UnreachableReason::connection_lost);
  CHECK_FALSE(watcher.link->connected());

  // It keeps trying, each time after a delay within the policy.
  REQUIRE(watcher.run_until([&] { return watcher.count<LinkUnreachable>() >= 3; }));
  for (const auto& failure : watcher.all<LinkUnreachable>()) {
    REQUIRE(failure.retry_in);
    CHECK(*failure.retry_in <= options.backoff.cap);
  }
  const auto failed_attempt = watcher.all<LinkUnreachable>().back();
  CHECK((failed_attempt.reason == UnreachableReason::no_agent ||
         failed_attempt.reason == UnreachableReason::connection_refused));

  // Meanwhile the distro changed; the new agent's state must replace the old one.
  distro.profile.add(2, "24.05.20240201.bbbbbbb (Uakari)");
  distro.profile.set_default(2);
  testing::TestAgent second(distro.agent_options());
  point_symlink(socket, second.socket());
  REQUIRE(watcher.run_until([&] { return watcher.count<LinkConnected>() == 2 && watcher.state.synced; }));
  CHECK(watcher.state.generations.size() == 2);
  CHECK(watcher.state.status->generations.default_generation == 2);
  CHECK(watcher.state.condition != TrayCondition::unreachable);
}

TEST_CASE("a wrong token: the agent's identity is not proven, and no reconnect storm") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options(true));
  const auto good_token = read_token(agent);
  testing::TempDir dir("nxt");
  const auto token_file = dir / "token";
  REQUIRE(crypto::write_secret_file(token_file, std::string(64, '0') + "\n", true).written);

  auto options = link_options(net::parse_endpoint("tcp:127.0.0.1:" + std::to_string(agent.tcp_port())));
  options.token_file = token_file;
  options.backoff.initial = 10ms;  // a storm would show as many attempts below
  options.backoff.cap = 30s;
  LinkWatcher watcher;
  watcher.start(options);
  REQUIRE(watcher.run_until([&] { return watcher.count<LinkUnreachable>() == 1; }));
  const auto refused = watcher.all<LinkUnreachable>().front();
  CHECK(refused.reason == UnreachableReason::identity_not_proven);
  CHECK(refused.retry_in == std::chrono::milliseconds(30s));
  CHECK(refused.message.find(token_file.string()) != std::string::npos);
  CHECK(refused.message.find("nixtray-agent token") != std::string::npos);
  CHECK(watcher.state.condition == TrayCondition::unreachable);
  CHECK(present(watcher.state, "NixOS").tooltip.find("identity could not be proven") != std::string::npos);

  watcher.run_for(testing::scaled(1500ms));
  CHECK(watcher.count<LinkConnecting>() == 1);
  CHECK(watcher.count<LinkUnreachable>() == 1);

  // The user fixes the token file and asks to reconnect.
  REQUIRE(crypto::write_secret_file(token_file, good_token + "\n", true).written);
  watcher.link->reconnect_now();
  REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));
  CHECK(watcher.state.hello->authorized);
}

TEST_CASE("a missing token file is a clear state of its own") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options(true));
  auto options = link_options(net::parse_endpoint("tcp:127.0.0.1:" + std::to_string(agent.tcp_port())));
  options.token_file = agent.dir() / "no-such-token";
  LinkWatcher watcher;
  watcher.start(options);
  REQUIRE(watcher.run_until([&] { return watcher.count<LinkUnreachable>() >= 1; }));
  CHECK(watcher.all<LinkUnreachable>().front().reason == UnreachableReason::token_missing);
  CHECK(watcher.all<LinkUnreachable>().front().message.find("nixtray-agent token") != std::string::npos);
}

TEST_CASE("an agent of another protocol version is told apart and not hammered") {
  testing::TempDir dir("nxp");
  LinkWatcher watcher;
  ProtocolThreeAgentStandIn stand_in(watcher.io, dir / "agent.sock");
  auto options = link_options(unix_endpoint(dir / "agent.sock"));
  options.backoff.initial = 10ms;
  options.backoff.cap = 30s;
  watcher.start(options);
  REQUIRE(watcher.run_until([&] { return watcher.count<LinkUnreachable>() == 1; }));
  const auto mismatch = watcher.all<LinkUnreachable>().front();
  CHECK(mismatch.reason == UnreachableReason::protocol_mismatch);
  CHECK(mismatch.message.find("speaks protocol 3") != std::string::npos);
  CHECK(mismatch.message.find("update the tray") != std::string::npos);
  CHECK(mismatch.retry_in == std::chrono::milliseconds(30s));
  CHECK(watcher.state.condition == TrayCondition::unreachable);
  watcher.run_for(testing::scaled(500ms));
  CHECK(stand_in.connections == 1);
}

TEST_CASE("a transport that starts the distro connects only while it runs, or after Start") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options());
  testing::TempDir dir("nxd");
  const auto running_flag = dir / "running";
  auto control = std::make_shared<CommandDistroControl>(
      parse_distro_commands("/bin/true", "/bin/true", "/usr/bin/test -e \"" + running_flag.string() + "\"", ""));

  net::Endpoint bridge;
  bridge.kind = net::Endpoint::Kind::command;
  bridge.argv = {testing::agent_binary().string(), "bridge", "--socket", agent.socket().string()};
  auto options = link_options(bridge);
  options.connect_starts_distro = true;
  LinkWatcher watcher;
  watcher.start(options, control);

  REQUIRE(watcher.run_until([&] { return watcher.count<DistroPowerObserved>() >= 2; }));
  CHECK(watcher.count<LinkConnecting>() == 0);
  CHECK(watcher.state.condition == TrayCondition::stopped);

  SECTION("the distro is started by someone else: the link notices and connects") {
    std::ofstream(running_flag) << "";
    REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));
  }
  SECTION("the user presses Start: the link connects at once, then an expected shutdown raises no alarm") {
    watcher.feed(UserRequestedStart{});
    watcher.link->user_started_distro();
    REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));
    CHECK(watcher.state.condition != TrayCondition::stopped);

    watcher.feed(UserRequestedStop{});
    watcher.link->user_stopped_distro();
    agent.kill();
    REQUIRE(watcher.run_until([&] { return watcher.count<LinkUnreachable>() >= 1; }));
    CHECK(watcher.all<LinkUnreachable>().front().expected);
    const auto attempts = watcher.count<LinkConnecting>();
    watcher.run_for(testing::scaled(500ms));
    CHECK(watcher.count<LinkConnecting>() == attempts);  // the bridge would boot the distro: it waits
    CHECK(watcher.state.condition == TrayCondition::stopped);
  }
}

TEST_CASE("paused, the link does not reconnect until resumed") {
  PlainDistro distro;
  testing::TempDir links("nxk");
  const auto socket = links / "agent.sock";
  testing::TestAgent first(distro.agent_options());
  point_symlink(socket, first.socket());
  LinkWatcher watcher;
  watcher.start(link_options(unix_endpoint(socket)));
  REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));

  watcher.link->pause("verify-boot");
  first.kill();
  REQUIRE(watcher.run_until([&] { return watcher.count<LinkUnreachable>() == 1; }));
  CHECK(watcher.all<LinkUnreachable>().front().expected);
  CHECK(watcher.state.condition == TrayCondition::starting);  // verify-boot's restart: no alarm
  testing::TestAgent second(distro.agent_options());
  point_symlink(socket, second.socket());
  watcher.run_for(testing::scaled(500ms));
  CHECK(watcher.count<LinkConnecting>() == 1);

  watcher.link->resume();
  REQUIRE(watcher.run_until([&] { return watcher.count<LinkConnected>() == 2 && watcher.state.synced; }));
  CHECK(watcher.count<LinkResumed>() == 1);
}

TEST_CASE("actions: mark good works, a method the agent lacks is not supported, offline is not connected") {
  PlainDistro distro;
  distro.profile.add(2, "24.05.20240201.bbbbbbb (Uakari)");
  testing::TestAgent agent(distro.agent_options());
  LinkWatcher watcher;
  AgentActions actions(nullptr);
  watcher.start(link_options(unix_endpoint(agent.socket())));
  actions = AgentActions(watcher.link);

  const auto offline = watcher.await(actions.mark_good(1));
  REQUIRE(offline);
  REQUIRE_FALSE(offline->ok());
  CHECK(offline->error().kind == ActionErrorKind::not_connected);

  REQUIRE(watcher.run_until([&] { return watcher.state.synced; }));
  const auto marked = watcher.await(actions.mark_good(2));
  REQUIRE(marked);
  REQUIRE(marked->ok());
  CHECK(marked->value() == 2);
  REQUIRE(watcher.run_until([&] { return known_good_generation(watcher.state) == 2; }));

  const auto missing = watcher.await(actions.mark_good(99));
  REQUIRE(missing);
  REQUIRE_FALSE(missing->ok());
  CHECK(missing->error().kind == ActionErrorKind::not_found);

  // jobs.cancel of a job that does not exist: not_found from an agent with jobs, else not supported.
  const auto cancel = watcher.await(actions.cancel_job("999999"));
  REQUIRE(cancel);
  REQUIRE_FALSE(cancel->ok());
  if (watcher.link->supports("jobs.cancel")) {
    CHECK(cancel->error().kind == ActionErrorKind::not_found);
  } else {
    CHECK(cancel->error().kind == ActionErrorKind::not_supported);
    CHECK(cancel->error().message.find("not supported by this agent") != std::string::npos);
  }

  // The callback form delivers on the io_context's thread.
  std::optional<ActionResult<int>> delivered;
  actions.mark_good(1, [&](ActionResult<int> result) { delivered.emplace(std::move(result)); });
  REQUIRE(watcher.run_until([&] { return delivered.has_value(); }));
  CHECK(delivered->ok());
}
