// --group with a group of the test's own: the agent runs inside the harness's systemd, where the
// group database (/etc/group) is a file of the test bound over it in the namespace's private mount
// namespace; the host's /etc/group is never edited. A peer is a member the way a login would be:
// the group database lists its user (its supplementary groups come from there, not from the peer).
#include "catch.hpp"
#include "systemd_fixture.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/text_file.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

using namespace nixtray::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* group_name = "nixtray-test-members";

// A gid the host's group database does not use.
gid_t unused_gid() {
  for (gid_t gid = 64000; gid < 65000; ++gid) {
    if (::getgrgid(gid) == nullptr) return gid;
  }
  throw std::runtime_error("no unused gid between 64000 and 65000");
}

// Runs, as the given uid and groups (setpriv), a client that says hello, then asks for a mutating
// method (generations.mark_good), and prints both answers on one line each.
ProcessResult hello_and_mark_good(const fs::path& socket, uid_t uid, const std::vector<std::string>& credentials) {
  std::vector<std::string> argv = {"/usr/bin/setpriv", "--reuid", std::to_string(uid)};
  argv.insert(argv.end(), credentials.begin(), credentials.end());
  argv.insert(argv.end(),
              {"--", "/usr/bin/python3", "-c",
               "import json, socket, sys\n"
               "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
               "s.connect(sys.argv[1])\n"
               "f = s.makefile('rw')\n"
               "def call(i, method, params):\n"
               "    f.write(json.dumps({'jsonrpc': '2.0', 'id': i, 'method': method, 'params': params}) + '\\n')\n"
               "    f.flush()\n"
               "    print(f.readline().strip())\n"
               "call(1, 'hello', {'protocol': 1, 'client': 'group-test/1'})\n"
               "call(2, 'generations.mark_good', {'number': 1})\n",
               socket.string()});
  RunOptions options;
  options.timeout = std::chrono::seconds(30);
  return run_process(argv, options);
}

std::vector<json> answers(const ProcessResult& result) {
  std::vector<json> lines;
  std::istringstream in(result.out);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("with --group a user the group database lists as a member is authorized, others only read") {
  // The member: nobody (65534). Someone else: daemon, a user of every Debian system, in no
  // group of ours.
  const auto* nobody = ::getpwuid(65534);
  REQUIRE(nobody != nullptr);
  const std::string member_name = nobody->pw_name;
  const auto* daemon = ::getpwnam("daemon");
  REQUIRE(daemon != nullptr);
  const uid_t other_uid = daemon->pw_uid;
  const gid_t other_gid = daemon->pw_gid;
  const gid_t gid = unused_gid();
  const std::string host_groups = read_text("/etc/group");
  REQUIRE_FALSE(host_groups.empty());

  TempDir files("nxgrp");
  std::ofstream(files / "group") << host_groups << group_name << ":x:" << gid << ":" << member_name << "\n";
  ::chmod((files / "group").c_str(), 0644);
  {
    SystemdAgentOptions options;
    options.extra_args = {"--group", group_name};
    options.private_files = {{"/etc/group", files / "group"}};
    SystemdAgent agent(options);

    struct stat info {};
    REQUIRE(::stat(agent.socket().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0660);
    CHECK(info.st_gid == gid);
    REQUIRE(::chmod(agent.dir().c_str(), 0711) == 0);  // the test's directory (mkdtemp: 0700)

    // A member through a supplementary group, as a login of that user has it.
    const auto member =
        hello_and_mark_good(agent.socket(), 65534, {"--regid", "65534", "--groups", std::to_string(gid)});
    INFO(member.describe() << "\nagent log:\n" << agent.log());
    REQUIRE(member.ok());
    const auto member_answers = answers(member);
    REQUIRE(member_answers.size() == 2);
    CHECK(member_answers[0]["result"]["authorized"] == true);
    // Authorized: the agent looked for generation 1 (there is none here) instead of refusing.
    CHECK(member_answers[1]["error"]["code"] == -32003);

    // Someone else: the socket's group keeps them out; with its mode opened up, read-only.
    const std::vector<std::string> outsider = {"--regid", std::to_string(other_gid), "--clear-groups"};
    CHECK(hello_and_mark_good(agent.socket(), other_uid, outsider).exit_code() != 0);
    REQUIRE(::chmod(agent.socket().c_str(), 0666) == 0);
    const auto other = hello_and_mark_good(agent.socket(), other_uid, outsider);
    INFO(other.describe());
    REQUIRE(other.ok());
    const auto other_answers = answers(other);
    REQUIRE(other_answers.size() == 2);
    CHECK(other_answers[0]["result"]["authorized"] == false);
    CHECK(other_answers[1]["error"]["code"] == -32001);
  }
  // The group existed only inside the namespace.
  CHECK(read_text("/etc/group") == host_groups);
  CHECK(::getgrnam(group_name) == nullptr);
}
