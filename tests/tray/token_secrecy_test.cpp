// The tray and the TCP token: it proves the token and never sends it, not even to a listener that
// pretends to be the agent; it reads a token file only when nobody else could have written or
// read it; and its own copy of the token is never readable by others, not even for a moment.
#include "catch.hpp"
#include "link_fixtures.hpp"

#include "core/distro/command_distro_control.hpp"
#include "core/link/agent_connection.hpp"
#include "core/link/token_file.hpp"
#include "core/state/state_text.hpp"

#include "nixtray/crypto/secret_file.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/subprocess.hpp"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;
namespace fs = std::filesystem;

namespace {

// A test stand-in for a program that took the agent's port first: it answers hello as an agent of
// this protocol would, with a nonce and a "proof" it cannot compute, accepts whatever comes next,
// and writes every byte it receives to `record`.
class SquatterStandIn {
 public:
  explicit SquatterStandIn(const fs::path& record) : port_(testing::free_tcp_port()) {
    testing::SpawnOptions spawn;
    spawn.die_with_parent = true;
    process_.emplace(testing::Subprocess::spawn(
        {"/usr/bin/python3", "-c",
         "import json, os, socket, sys, threading\n"
         "record = open(sys.argv[2], 'ab', buffering=0)\n"
         "def serve(c):\n"
         "    f = c.makefile('rwb')\n"
         "    for line in f:\n"
         "        record.write(line)\n"
         "        try:\n"
         "            request = json.loads(line)\n"
         "        except ValueError:\n"
         "            continue\n"
         "        result = {'authorized': True}\n"
         "        if request.get('method') == 'hello':\n"
         "            result = {'protocol': 2, 'agent': '0.1.0', 'authorized': False,\n"
         "                      'methods': ['hello', 'auth', 'status'], 'nonce': os.urandom(32).hex(),\n"
         "                      'proof': os.urandom(32).hex()}\n"
         "        f.write((json.dumps({'jsonrpc': '2.0', 'id': request.get('id'), 'result': result}) + "
         "'\\n').encode())\n"
         "        f.flush()\n"
         "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)\n"
         "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
         "s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(8)\n"
         "open(sys.argv[2] + '.ready', 'w').close()\n"
         "while True:\n"
         "    c, _ = s.accept()\n"
         "    threading.Thread(target=serve, args=(c,), daemon=True).start()\n",
         std::to_string(port_), record.string()},
        std::move(spawn)));
    REQUIRE(testing::wait_until([&] { return fs::exists(record.string() + ".ready"); }, testing::scaled(10s)));
  }
  [[nodiscard]] int port() const { return port_; }

 private:
  int port_;
  std::optional<testing::Subprocess> process_;
};

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a listener that is not the agent never receives the token, and is reported as not proven") {
  testing::TempDir dir("nxs");
  const auto token = std::string("5ec2e7") + std::string(58, 'a');
  const auto token_file = dir / "token";
  REQUIRE(crypto::write_secret_file(token_file, token + "\n", true).written);
  const auto record = dir / "received";
  SquatterStandIn squatter(record);
  const auto address = "tcp:127.0.0.1:" + std::to_string(squatter.port());

  SECTION("nixtrayctl") {
    testing::RunOptions options;
    options.timeout = std::chrono::seconds(60);
    const auto result =
        testing::run_process({NIXTRAYCTL_BINARY, "--config", (dir / "settings.json").string(), "--agent", address,
                              "--token-file", token_file.string(), "status", "--json"},
                             options);
    INFO(result.describe());
    CHECK(result.exit_code() == 2);
    const auto j = protocol::json::parse(result.out);
    CHECK(j["unreachable"]["reason"] == "identity-not-proven");
    CHECK(j["unreachable"]["message"].get<std::string>().find("identity could not be proven") != std::string::npos);
  }
  SECTION("the tray's one-off connection") {
    AgentConnectionOptions options;
    options.endpoint = net::parse_endpoint(address);
    options.token_file = token_file;
    options.client = "nixtray-test/0";
    LinkWatcher watcher;
    auto opened = watcher.await(AgentConnection::open(options));
    REQUIRE(opened);
    REQUIRE(std::holds_alternative<ConnectionFailure>(*opened));
    const auto& failure = std::get<ConnectionFailure>(*opened);
    CHECK(failure.reason == UnreachableReason::identity_not_proven);
    CHECK(failure.message.find(token_file.string()) != std::string::npos);
  }
  const auto received = read_all(record);
  INFO(received);
  CHECK(received.find("\"hello\"") != std::string::npos);  // it did talk to the stand-in
  CHECK(received.find(token) == std::string::npos);
  CHECK(received.find("\"auth\"") == std::string::npos);  // nothing derived from the token either
  CHECK(received.find("\"token\"") == std::string::npos);
}

TEST_CASE("the tray reads no token file that is a link, someone else's or open to others") {
  PlainDistro distro;
  testing::TestAgent agent(distro.agent_options(true));
  REQUIRE(testing::wait_until([&] { return fs::exists(agent.state_dir() / "token"); }, testing::scaled(10s)));
  testing::TempDir dir("nxu");
  const auto token_file = dir / "token";
  REQUIRE(crypto::write_secret_file(token_file, agent.token() + "\n", true).written);
  std::string expected;
  fs::path given = token_file;
  SECTION("readable by the group") {
    REQUIRE(::chmod(token_file.c_str(), 0640) == 0);
    expected = "chmod 600 " + token_file.string();
  }
  SECTION("a symbolic link to the agent's own token file") {
    given = dir / "link";
    fs::create_symlink(agent.state_dir() / "token", given);
    REQUIRE(fs::is_symlink(given));
    expected = "symbolic link";
  }
  SECTION("owned by another user") {
    REQUIRE(::chown(token_file.c_str(), 65534, 65534) == 0);
    expected = "uid 65534";
  }
  auto options = link_options(net::parse_endpoint("tcp:127.0.0.1:" + std::to_string(agent.tcp_port())));
  options.token_file = given;
  LinkWatcher watcher;
  watcher.start(options);
  REQUIRE(watcher.run_until([&] { return watcher.count<LinkUnreachable>() >= 1 || watcher.state.synced; }));
  REQUIRE(watcher.count<LinkUnreachable>() >= 1);
  const auto refused = watcher.all<LinkUnreachable>().front();
  INFO(refused.message);
  CHECK(refused.reason == UnreachableReason::token_missing);
  CHECK(refused.message.find(expected) != std::string::npos);
  CHECK(watcher.count<LinkConnected>() == 0);
}

TEST_CASE("the tray's copy of the token is created readable by the user alone, never changed afterwards") {
  testing::TempDir dir("nxw");
  const auto token = std::string(64, 'b');
  // The distro control's "run as root" prints the token, as `nixtray-agent token` would.
  CommandDistroControl control(parse_distro_commands("", "", "", "/bin/sh -c \"echo " + token + "\" sh"));
  const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  REQUIRE(watch >= 0);
  REQUIRE(::inotify_add_watch(watch, dir.path().c_str(), IN_CREATE | IN_ATTRIB | IN_MOVED_TO | IN_CLOSE_WRITE) >= 0);
  const auto previous_umask = ::umask(0);  // the worst umask: a file created with the default mode is 0666
  LinkWatcher io;
  const auto problem = io.await(fetch_token(control, dir / "NixOS.token"));
  ::umask(previous_umask);
  REQUIRE(problem);
  CHECK(problem->empty());

  // A chmod after creating the file would show as IN_ATTRIB: the mode must be right from the start.
  std::vector<std::string> events;
  alignas(inotify_event) char buffer[8192];
  for (ssize_t n; (n = ::read(watch, buffer, sizeof(buffer))) > 0;) {
    for (char* at = buffer; at < buffer + n;) {
      const auto* event = reinterpret_cast<inotify_event*>(at);
      const std::string name = event->len ? event->name : "";
      if (event->mask & IN_ATTRIB) events.push_back("attrib " + name);
      if (event->mask & IN_CREATE) events.push_back("create " + name);
      at += sizeof(inotify_event) + event->len;
    }
  }
  ::close(watch);
  INFO(testing::quote_argv(events));
  CHECK(std::none_of(events.begin(), events.end(), [](const std::string& e) { return e.starts_with("attrib"); }));
  CHECK(std::any_of(events.begin(), events.end(), [](const std::string& e) { return e.starts_with("create"); }));
  struct stat info {};
  REQUIRE(::stat((dir / "NixOS.token").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(read_token_file(dir / "NixOS.token").token == token);
}
