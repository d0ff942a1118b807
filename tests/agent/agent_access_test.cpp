// Who may do what: peers of another uid (and what a read-only one may read), the token and its
// file, loopback-only TCP and its port, the bridge, the command line's handshake.
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
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

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

namespace {

// A client that is not this test process: says hello on the socket, then sends each request and
// prints every answer, one JSON line each.
std::vector<std::string> requests_client(const fs::path& socket, const std::vector<json>& requests) {
  json lines = json::array();
  for (const auto& request : requests) lines.push_back(request.dump());
  return {"/usr/bin/python3", "-c",
          "import json, socket, sys\n"
          "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
          "s.connect(sys.argv[1])\n"
          "f = s.makefile('rw')\n"
          "f.write(json.dumps({'jsonrpc': '2.0', 'id': 0, 'method': 'hello',"
          " 'params': {'protocol': 2, 'client': 'read-only-test/1'}}) + '\\n')\n"
          "f.flush()\n"
          "print(f.readline().strip())\n"
          "for line in json.loads(sys.argv[2]):\n"
          "    f.write(line + '\\n')\n"
          "    f.flush()\n"
          "    while True:\n"
          "        answer = json.loads(f.readline())\n"
          "        if 'id' in answer:\n"
          "            break\n"
          "    print(json.dumps(answer))\n",
          socket.string(), lines.dump()};
}

json request(int id, const std::string& method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

}  // namespace

TEST_CASE("a read-only peer reads state but not logs") {
  TempDir root("nxr");
  auto profile = make_two_generation_profile(root.path());
  TestAgent agent(agent_options_for(profile));
  open_socket_to_everyone(agent);
  const auto result = run_as_nobody(requests_client(
      agent.socket(), {request(1, "status"), request(2, "units.list"), request(3, "generations.list"),
                       request(4, "generations.diff", {{"from", 1}, {"to", 2}}), request(5, "jobs.list"),
                       request(6, "jobs.get", {{"id", "1"}}), request(7, "units.log", {{"unit", "sshd.service"}}),
                       request(8, "jobs.log", {{"id", "1"}}), request(9, "subscribe", {{"topics", {"log:1"}}}),
                       request(10, "subscribe", {{"topics", {"status", "jobs"}}}),
                       request(11, "jobs.log", {{"id", "1"}, {"format", "raw"}}),
                       request(12, "jobs.log", {{"id", "1"}, {"format", "bytes"}})}));
  INFO(result.describe() << agent.log());
  REQUIRE(result.ok());
  std::map<int, json> answers;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const auto answer = json::parse(line);
    answers[answer["id"].get<int>()] = answer;
  }
  CHECK(answers[0]["result"]["authorized"] == false);
  for (const int id : {1, 2, 3, 5, 10}) {
    INFO(answers[id].dump());
    CHECK(answers[id].contains("result"));
  }
  // Readable, though these have no answer to give here (no Nix store, no job 1).
  for (const int id : {4, 6}) {
    INFO(answers[id].dump());
    CHECK(answers[id].contains("error"));
    CHECK(answers[id]["error"]["code"] != -32001);
  }
  for (const int id : {7, 8, 9, 11, 12}) {
    INFO(answers[id].dump());
    CHECK(answers[id]["error"]["code"] == -32001);
    CHECK(answers[id]["error"]["message"].get<std::string>().find("may hold secrets") != std::string::npos);
  }
  // A peer of the agent's own uid (root here) still reads them.
  auto root_client = RawClient::unix_socket(agent.socket());
  root_client.hello();
  root_client.request(1, "units.log", {{"unit", "sshd.service"}});
  const auto own = root_client.response(1);
  REQUIRE(own);
  CHECK((!own->contains("error") || (*own)["error"]["code"] != -32001));

  // A failed boot check keeps journal lines as its evidence: the record is state, its lines are logs.
  root_client.request(2, "verify.record", {{"generation", 1}, {"outcome", "failed"}, {"reason", "it did not start"}});
  const auto recorded = root_client.response(2);
  REQUIRE(recorded);
  INFO(recorded->dump() << agent.log());
  REQUIRE((*recorded)["result"]["evidence"].is_object());
  const auto read_only =
      run_as_nobody(requests_client(agent.socket(), {request(1, "verify.get", {{"generation", 1}})}));
  REQUIRE(read_only.ok());
  const auto record = json::parse(read_only.out.substr(read_only.out.find('\n') + 1));
  INFO(record.dump());
  CHECK(record["result"]["state"] == "failed");
  CHECK(record["result"]["reason"] == "it did not start");
  CHECK(record["result"]["evidence"].is_null());
}

TEST_CASE("a token file that is a link, someone else's or open to others stops the agent") {
  TempDir dir("nxk");
  std::ofstream(dir / "agent.json") << "{}";
  const auto token = dir / "token";
  { std::ofstream(token) << std::string(64, 'a') << "\n"; }
  ::chmod(token.c_str(), 0600);
  const auto serve_with = [&](const fs::path& token_file) {
    RunOptions options;
    options.timeout = std::chrono::seconds(10);
    return run_process({agent_binary().string(), "serve", "--config", (dir / "agent.json").string(), "--socket",
                        (dir / "agent.sock").string(), "--state-dir", (dir / "state").string(), "--tcp",
                        "127.0.0.1:" + std::to_string(free_tcp_port()), "--token-file", token_file.string()},
                       options);
  };
  SECTION("a symbolic link to a good token file") {
    fs::create_symlink(token, dir / "link");
    const auto result = serve_with(dir / "link");
    INFO(result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code() != 0);
    CHECK(result.err.find("symbolic link") != std::string::npos);
  }
  SECTION("owned by another user") {
    REQUIRE(::chown(token.c_str(), 65534, 65534) == 0);
    const auto result = serve_with(token);
    INFO(result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code() != 0);
    CHECK(result.err.find("uid 65534") != std::string::npos);
  }
  SECTION("readable by others") {
    ::chmod(token.c_str(), 0644);
    const auto result = serve_with(token);
    INFO(result.describe());
    CHECK(result.exit_code() != 0);
    CHECK(result.err.find("chmod 600") != std::string::npos);
  }
}

TEST_CASE("a --tcp port of 0 or with garbage in it is refused at start-up with a clear message") {
  TempDir dir("nxq");
  std::ofstream(dir / "agent.json") << "{}";
  for (const auto* address : {"127.0.0.1:0", "127.0.0.1:7428abc", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:+80",
                              "127.0.0.1: 80", "127.0.0.1"}) {
    INFO(address);
    RunOptions options;
    options.timeout = std::chrono::seconds(10);
    const auto result =
        run_process({agent_binary().string(), "serve", "--config", (dir / "agent.json").string(), "--socket",
                     (dir / "agent.sock").string(), "--state-dir", (dir / "state").string(), "--tcp", address},
                    options);
    INFO(result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code() != 0);
    CHECK(result.err.find(address) != std::string::npos);
  }
}

TEST_CASE("the command line refuses an agent of another protocol version, with what to do") {
  TempDir dir("nxv");
  const auto socket = dir / "agent.sock";
  // A test stand-in for an agent of protocol 3: answers hello in its version, and nothing else.
  SpawnOptions spawn;
  spawn.die_with_parent = true;
  auto stand_in =
      Subprocess::spawn({"/usr/bin/python3", "-c",
                         "import json, os, socket, sys\n"
                         "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
                         "s.bind(sys.argv[1]); s.listen(4)\n"
                         "while True:\n"
                         "    c, _ = s.accept()\n"
                         "    f = c.makefile('rw')\n"
                         "    request = json.loads(f.readline())\n"
                         "    f.write(json.dumps({'jsonrpc': '2.0', 'id': request['id'], 'result': {'protocol': 3,"
                         " 'agent': '9.0.0', 'authorized': True, 'methods': ['hello', 'status']}}) + '\\n')\n"
                         "    f.flush()\n",
                         socket.string()},
                        std::move(spawn));
  REQUIRE(wait_until([&] { return fs::exists(socket); }, scaled(std::chrono::seconds(10))));
  RunOptions options;
  options.timeout = std::chrono::seconds(20);
  const auto result = run_process({agent_binary().string(), "--socket", socket.string(), "status"}, options);
  INFO(result.describe());
  CHECK(result.exit_code() == 2);
  CHECK(result.err.find("speaks protocol 3") != std::string::npos);
  CHECK(result.err.find("this command speaks protocol 2") != std::string::npos);
  CHECK(result.err.find("update the command") != std::string::npos);
}

TEST_CASE("a peer's user and groups are looked up once per short while, not once per connection") {
  TestAgent agent;
  // strace, attached to the agent, counts the user database reads (glibc opens the file per lookup).
  const auto trace = agent.dir() / "trace";
  SpawnOptions spawn;
  spawn.stdout_to = Redirect::append_to(agent.dir() / "strace.log");
  spawn.stderr_to = Redirect::append_to(agent.dir() / "strace.log");
  auto strace = Subprocess::spawn(
      {"/usr/bin/strace", "-qq", "-e", "trace=open,openat", "-o", trace.string(), "-p", std::to_string(agent.pid())},
      std::move(spawn));
  REQUIRE(wait_until(
      [&] {
        std::ifstream status("/proc/" + std::to_string(agent.pid()) + "/status");
        for (std::string line; std::getline(status, line);) {
          if (line.starts_with("TracerPid:")) return std::stoi(line.substr(10)) != 0;
        }
        return false;
      },
      scaled(std::chrono::seconds(10))));
  for (int i = 0; i < 20; ++i) {
    auto client = RawClient::unix_socket(agent.socket());
    CHECK(client.hello().contains("result"));
  }
  strace.send_signal(SIGINT);
  strace.wait();
  std::ifstream in(trace);
  int reads = 0;
  for (std::string line; std::getline(in, line);) {
    reads += line.find("/etc/passwd") != std::string::npos ? 1 : 0;
  }
  INFO("user database reads during 20 connections: " << reads);
  CHECK(reads <= 2);
}
