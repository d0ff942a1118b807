// Who may do what: peers of another uid, the token command, loopback-only TCP, the bridge.
#include "catch.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* nobody = "65534";

// Runs argv as uid/gid 65534 with no supplementary groups (setpriv from util-linux).
ProcessResult run_as_nobody(std::vector<std::string> argv) {
  std::vector<std::string> wrapped = {"/usr/bin/setpriv", "--reuid", nobody, "--regid", nobody, "--clear-groups", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  RunOptions options;
  options.timeout = std::chrono::seconds(30);
  return run_process(wrapped, options);
}

// Runs argv as uid 65534 with the given primary gid and no supplementary groups.
ProcessResult run_as_nobody_in(gid_t gid, std::vector<std::string> argv) {
  std::vector<std::string> wrapped = {"/usr/bin/setpriv",  "--reuid",        nobody, "--regid",
                                      std::to_string(gid), "--clear-groups", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  RunOptions options;
  options.timeout = std::chrono::seconds(30);
  return run_process(wrapped, options);
}

// A client that is not this test process: says hello on the socket and prints the answer line.
std::vector<std::string> hello_client(const fs::path& socket) {
  return {"/usr/bin/python3", "-c",
          "import json, socket, sys\n"
          "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
          "s.connect(sys.argv[1])\n"
          "f = s.makefile('rw')\n"
          "f.write(json.dumps({'jsonrpc': '2.0', 'id': 1, 'method': 'hello',"
          " 'params': {'protocol': 1, 'client': 'group-test/1'}}) + '\\n')\n"
          "f.flush()\n"
          "print(f.readline().strip())\n",
          socket.string()};
}

void open_socket_to_everyone(const TestAgent& agent) {
  // What a careless admin might do: the peer check must hold anyway.
  ::chmod(agent.dir().c_str(), 0755);
  ::chmod(agent.socket().parent_path().c_str(), 0755);
  ::chmod(agent.socket().c_str(), 0666);
}

}  // namespace

TEST_CASE("the socket is created 0660 in a 0750 directory") {
  TestAgent agent;
  struct stat info {};
  REQUIRE(::stat(agent.socket().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0660);
  REQUIRE(::stat(agent.socket().parent_path().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0750);
}

TEST_CASE("a peer of another uid is read-only, even with the socket mode 0666") {
  TestAgent agent;
  open_socket_to_everyone(agent);

  const auto status = run_as_nobody(agent.cli({"status", "--json"}));
  INFO(status.describe());
  CHECK(status.exit_code() == 0);

  const auto mark = run_as_nobody(agent.cli({"mark-good", "1"}));
  INFO(mark.describe());
  CHECK(mark.exit_code() == 3);
  CHECK(mark.err.find("only root") != std::string::npos);
  CHECK(agent.log().find("uid 65534") == std::string::npos);  // refused at dispatch, nothing to log
}

TEST_CASE("hello tells a peer whether it is authorized") {
  TestAgent agent;
  auto root = RawClient::unix_socket(agent.socket());
  CHECK(root.hello()["result"]["authorized"] == true);
}

TEST_CASE("the token is printed for root only") {
  TestAgent agent{TestAgentOptions{.tcp = true}};
  const auto as_root = run_process({agent_binary().string(), "token", "--config", (agent.dir() / "agent.json").string(),
                                    "--state-dir", agent.state_dir().string()});
  INFO(as_root.describe());
  CHECK(as_root.ok());
  CHECK(trim_right(as_root.out) == agent.token());
  CHECK(agent.token().size() == 64);
  struct stat info {};
  REQUIRE(::stat((agent.state_dir() / "token").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  const auto as_nobody = run_as_nobody({agent_binary().string(), "token", "--state-dir", "/nonexistent"});
  CHECK(as_nobody.exit_code() == 3);
}

TEST_CASE("a non-loopback TCP address is refused at start-up with a clear message") {
  TempDir dir("nxa");
  std::ofstream(dir / "agent.json") << "{}";
  for (const auto* address : {"0.0.0.0:7799", "192.168.1.10:7799", "[::]:7799"}) {
    INFO(address);
    const auto result =
        run_process({agent_binary().string(), "serve", "--config", (dir / "agent.json").string(), "--socket",
                     (dir / "agent.sock").string(), "--state-dir", (dir / "state").string(), "--tcp", address});
    CHECK(result.exit_code() != 0);
    CHECK(result.err.find("loopback") != std::string::npos);
  }
}

TEST_CASE("the bridge relays stdin/stdout to the agent") {
  TestAgent agent;
  SpawnOptions options;
  options.stdin_from = Redirect::pipe();
  auto bridge = Subprocess::spawn({agent_binary().string(), "bridge", "--socket", agent.socket().string()}, options);
  bridge.write_stdin(R"({"jsonrpc":"2.0","id":1,"method":"hello","params":{"protocol":1,"client":"bridge-test/1"}})"
                     "\n"
                     R"({"jsonrpc":"2.0","id":2,"method":"status"})"
                     "\n");
  bridge.close_stdin();
  std::string out;
  std::string err;
  const auto status = bridge.collect_output(out, err, scaled(std::chrono::seconds(10)));
  REQUIRE(status);
  CHECK(status->as_int() == 0);
  const auto newline = out.find('\n');
  REQUIRE(newline != std::string::npos);
  const auto hello = json::parse(out.substr(0, newline));
  CHECK(hello["result"]["authorized"] == true);
  const auto second = json::parse(out.substr(newline + 1, out.find('\n', newline + 1) - newline - 1));
  CHECK(second["id"] == 2);
  CHECK(second["result"].contains("system_state"));
}

TEST_CASE("the bridge fails with exit code 2 when the agent is not there") {
  TempDir dir("nxb");
  const auto result = run_process({agent_binary().string(), "bridge", "--socket", (dir / "none.sock").string()});
  CHECK(result.exit_code() == 2);
  CHECK(result.err.find("cannot reach the agent") != std::string::npos);
}

TEST_CASE("with --group the socket and its directory belong to the group, its members may mutate, others only read") {
  // An existing Debian group, so the host's group database is never edited; the precondition that
  // uid 65534 is no member of it by that database is checked, not assumed.
  const auto* group = ::getgrnam("users");
  REQUIRE(group != nullptr);
  const gid_t gid = group->gr_gid;
  const auto* nobody_entry = ::getpwuid(65534);
  REQUIRE(nobody_entry != nullptr);
  const std::string nobody_name = nobody_entry->pw_name;
  {
    int count = 64;
    std::vector<gid_t> groups(64);
    REQUIRE(::getgrouplist(nobody_name.c_str(), 65534, groups.data(), &count) >= 0);
    groups.resize(static_cast<std::size_t>(count));
    REQUIRE(std::find(groups.begin(), groups.end(), gid) == groups.end());
  }

  TempDir root("nxg");
  auto profile = make_two_generation_profile(root.path());
  auto options = agent_options_for(profile);
  options.extra_args = {"--group", "users"};
  TestAgent agent(options);

  struct stat info {};
  REQUIRE(::stat(agent.socket().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0660);
  CHECK(info.st_gid == gid);
  REQUIRE(::stat(agent.socket().parent_path().c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0750);
  CHECK(info.st_gid == gid);

  // The test's own directory (mkdtemp: 0700) must let others pass; the agent's directory and
  // socket keep the modes it gave them.
  REQUIRE(::chmod(agent.dir().c_str(), 0711) == 0);

  SECTION("a member (primary group) is authorized: hello says so and mutating methods run") {
    const auto hello = run_as_nobody_in(gid, hello_client(agent.socket()));
    INFO(hello.describe());
    REQUIRE(hello.ok());
    CHECK(json::parse(hello.out)["result"]["authorized"] == true);

    const auto mark = run_as_nobody_in(gid, agent.cli({"mark-good", "1"}));
    INFO(mark.describe() << agent.log());
    CHECK(mark.exit_code() == 0);
    CHECK(mark.err.find("only root") == std::string::npos);
    const auto status = json::parse(run_process(agent.cli({"status", "--json"})).out);
    CHECK(status["generations"]["known_good"] == 1);
  }
  SECTION("a non-member cannot open the socket, and with the modes opened up is still read-only") {
    const auto locked_out = run_as_nobody(agent.cli({"status", "--json"}));
    INFO(locked_out.describe());
    CHECK(locked_out.exit_code() == 2);

    open_socket_to_everyone(agent);
    const auto hello = run_as_nobody(hello_client(agent.socket()));
    INFO(hello.describe());
    REQUIRE(hello.ok());
    CHECK(json::parse(hello.out)["result"]["authorized"] == false);
    CHECK(run_as_nobody(agent.cli({"status", "--json"})).exit_code() == 0);
    const auto mark = run_as_nobody(agent.cli({"mark-good", "1"}));
    INFO(mark.describe());
    CHECK(mark.exit_code() == 3);
    const auto status = json::parse(run_process(agent.cli({"status", "--json"})).out);
    CHECK(status["generations"]["known_good"] == 2);  // unchanged: the first boot seen
  }
}
