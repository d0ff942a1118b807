// The agent's state directory on a filesystem that really fills up: a 2 MiB tmpfs mounted inside
// the test's systemd namespace (its private mount namespace: the host never sees the mount, and
// the host's filesystems never fill). The agent runs inside as a service with real jobs.
//
// What must hold: the agent keeps answering; what it cannot write (a new job, a known-good mark)
// is refused with an error that says why; a job that was streaming its log when the disk filled
// still ends with its outcome; nothing recorded before is damaged or lost, neither after space
// is freed nor after a restart; and the next job runs.
#include "catch.hpp"
#include "jobs_fixture.hpp"

#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unix_socket_client.hpp"

#include <sys/statvfs.h>

#include <fstream>
#include <optional>
#include <sstream>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char* no_space = "No space left on device";

// Free bytes of the filesystem at `path`, as an unprivileged process would get them.
std::uint64_t free_bytes(const fs::path& path) {
  struct statvfs disk {};
  REQUIRE(::statvfs(path.c_str(), &disk) == 0);
  return static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize;
}

// A job's record as the agent last wrote it to the state directory (seen from the host).
std::optional<json> record_on_disk(JobsFixture& f, const std::string& id) {
  std::ifstream in(f.agent->ns().host_path(f.agent->state_dir() / "jobs" / id / "job.json"));
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());  // throws (and fails the test) on half a file
}

bool same_outcome(const json& a, const json& b) {
  return a["id"] == b["id"] && a["state"] == b["state"] && a["exit_code"] == b["exit_code"] &&
         a["log_lines"] == b["log_lines"] && a["summary"] == b["summary"];
}

}  // namespace

TEST_CASE("a state directory on a full filesystem: clear errors, nothing recorded is lost, the agent goes on",
          "[robustness]") {
  JobsFixtureOptions options;
  options.state_dir_size = "2m";
  JobsFixture f(options);
  const auto state = f.agent->ns().host_path(f.agent->state_dir());
  const auto filler = f.agent->state_dir() / "filler";
  REQUIRE(free_bytes(state) <= 2u * 1024 * 1024);  // the tmpfs, not the host's filesystem

  // A job recorded while there is room.
  const auto first = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  REQUIRE(first["state"] == "succeeded");
  const std::string first_id = first["id"];
  const auto first_log = f.log_lines(first_id);
  REQUIRE(contains(first_log, "hello-2.12.2"));

  // A job streaming its log when the filesystem fills up.
  auto slow = toy_system_spec("24.11.20241223.jjjjjjj (Vicuna)", "2.12.8");
  slow.build_delay_seconds = 6;
  f.store->write_configuration(f.configs, "default", slow);
  const auto streaming = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  REQUIRE(wait_until([&] { return contains(f.log_lines(streaming), "building slowly: second 1"); }, scaled(60s)));
  const auto logged_before_full = f.log_lines(streaming);
  const auto filled = f.agent->ns().run_inside({"/bin/dd", "if=/dev/zero", "of=" + filler.string(), "bs=64k"});
  INFO(filled.describe());
  REQUIRE(filled.err.find(no_space) != std::string::npos);
  REQUIRE(free_bytes(state) == 0);

  // The job still ends, and its outcome is known (not "interrupted" for want of a file).
  const auto ended = f.wait_finished(streaming);
  INFO("the job that streamed while the disk filled: " << ended.dump(2) << "\nagent log:\n" << f.agent->log());
  CHECK((ended["state"] == "succeeded" || ended["state"] == "failed"));
  CHECK(ended["exit_code"].is_number());

  // What cannot be written is refused with the reason; the connection and the agent stay.
  {
    auto client = f.agent->client();
    client.request(10, "jobs.start", {{"kind", "gc"}, {"keep", 5}});
    const auto refused = client.response(10, scaled(30s));
    REQUIRE(refused);
    INFO(refused->dump());
    CHECK((*refused)["error"]["code"] == -32603);
    CHECK((*refused)["error"]["message"].get<std::string>().find(no_space) != std::string::npos);

    client.request(11, "generations.mark_good", {{"number", 1}});
    const auto not_marked = client.response(11, scaled(30s));
    REQUIRE(not_marked);
    INFO(not_marked->dump());
    CHECK((*not_marked)["error"]["code"] == -32603);
    CHECK((*not_marked)["error"]["message"].get<std::string>().find(no_space) != std::string::npos);

    client.request(12, "status");  // same connection: still served
    const auto status = client.response(12, scaled(30s));
    REQUIRE(status);
    CHECK(status->contains("result"));
  }
  const auto listed_full = f.agent->call("jobs.list")["result"]["jobs"];
  CHECK(listed_full.size() == 2);
  CHECK(f.log_lines(first_id) == first_log);
  CHECK(f.agent->ns().active_state(SystemdAgent::unit) == "active");
  // What was on disk is whole: the old record of the streaming job, not half a new one.
  const auto streaming_on_disk_full = record_on_disk(f, streaming);
  REQUIRE(streaming_on_disk_full);
  CHECK((*streaming_on_disk_full)["job"]["id"] == streaming);

  // Room again: the outcome the agent could not write is written without being asked.
  f.agent->ns().run_inside({"/bin/rm", "-f", filler.string()});
  CHECK(free_bytes(state) > 1024 * 1024);
  std::optional<json> written;
  CHECK(wait_until(
      [&] {
        written = record_on_disk(f, streaming);
        return written && (*written)["job"]["state"] != "running";
      },
      scaled(30s), 100ms));
  if (written) CHECK(same_outcome((*written)["job"], ended));

  // A restart reads back everything: both jobs as they ended, their logs as they were.
  f.agent->ns().systemctl({"restart", SystemdAgent::unit});
  REQUIRE(UnixSocketClient::wait_for_listener(f.agent->socket(), 20s));
  const auto listed = f.agent->call("jobs.list")["result"]["jobs"];
  INFO("after the restart: " << listed.dump(2));
  REQUIRE(listed.size() == 2);
  CHECK(same_outcome(f.job(first_id), first));
  CHECK(same_outcome(f.job(streaming), ended));
  CHECK(f.log_lines(first_id) == first_log);
  const auto streaming_log = f.log_lines(streaming);
  REQUIRE(streaming_log.size() >= logged_before_full.size());
  CHECK(std::equal(logged_before_full.begin(), logged_before_full.end(), streaming_log.begin()));

  // And the next requests are served as if nothing had happened.
  const auto marked = f.agent->call("generations.mark_good", {{"number", 1}});
  CHECK(marked.contains("result"));
  const auto next = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  CHECK(next["id"] == "3");
  CHECK(next["state"] == "succeeded");
}
