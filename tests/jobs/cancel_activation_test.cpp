// Cancelling a rebuild on both sides of its point of no return. Before it, the job stops and
// nothing changes; from the moment its runner repoints the profile or activates, the cancel is
// refused (-32005), decided by the job's own state, not by how far the agent has read its log:
// here the agent is even restarted during activation (switch-to-configuration restarts changed
// services, the agent among them) and faces a long log it has not read yet.
//
// Pauses come from FIFOs: the nixos-rebuild stand-in waits on one after building (before the
// point of no return); the toy system's switch-to-configuration appends a line to
// $NIXTRAY_SWITCH_LOG, which blocks while that is a FIFO nobody reads (during activation).
#include "catch.hpp"
#include "jobs_fixture.hpp"

#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unix_socket_client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

fs::path make_fifo(const fs::path& path) {
  fs::create_directories(path.parent_path());
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  return path;
}

// Reads what a writer blocked on the FIFO writes; "" if nothing comes within the timeout (never
// blocks on a FIFO without a writer).
std::string read_fifo(const fs::path& fifo, std::chrono::milliseconds timeout) {
  const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(fd >= 0);
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    char buffer[512];
    const auto n = ::read(fd, buffer, sizeof(buffer));
    if (n > 0) text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace

TEST_CASE("a rebuild paused before its point of no return is cancelled and changes nothing") {
  const TempDir fifos("nxc");
  JobsFixtureOptions options;
  const auto switch_log = fifos.path() / "switch.log";
  options.environment = {{"NIXTRAY_STANDIN_PAUSE_FIFO", make_fifo(fifos.path() / "pause").string()},
                         {"NIXTRAY_SWITCH_LOG", switch_log.string()}};
  JobsFixture f(options);
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "switch"}});
  REQUIRE(wait_until([&] { return contains(f.log_lines(id), "paused until"); }, scaled(120s), 100ms));

  const auto cancel = f.agent->call("jobs.cancel", {{"id", id}});
  INFO(cancel.dump());
  CHECK(cancel.contains("result"));
  const auto job = f.wait_finished(id);
  CHECK(job["state"] == "cancelled");
  CHECK(job["exit_code"].is_null());
  CHECK(job["generation_after"] == 1);
  CHECK(f.store->current_generation() == 1);
  CHECK_FALSE(fs::exists(switch_log));  // switch-to-configuration never ran
  CHECK(f.agent->wait_for_status([](const json& s) { return s["running_job"].is_null(); })["running_job"].is_null());
}

TEST_CASE("a rebuild that has begun to activate refuses cancel, even from an agent that restarted meanwhile") {
  const TempDir fifos("nxc");
  JobsFixtureOptions options;
  const auto switch_fifo = make_fifo(fifos.path() / "switch");
  // Many lines before activation: the restarted agent reads them in steps, over many turns of its
  // event loop, so it answers the cancel long before its reading reaches the activation marker.
  options.environment = {{"NIXTRAY_SWITCH_LOG", switch_fifo.string()}, {"NIXTRAY_STANDIN_CHATTER_LINES", "100000"}};
  JobsFixture f(options);
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "switch"}});
  // switch-to-configuration runs, blocked on the FIFO: the profile is repointed, activation begun.
  REQUIRE(wait_until(
      [&] {
        return f.agent->ns().run_inside({"/usr/bin/pgrep", "-f", "switch-to-configuration switch"}).ok();
      },
      scaled(180s), 100ms));
  CHECK(f.store->current_generation() == 2);

  f.agent->ns().systemctl({"kill", "--signal=SIGKILL", SystemdAgent::unit});
  REQUIRE(wait_until([&] { return f.agent->ns().active_state(SystemdAgent::unit) != "active"; }, scaled(20s)));
  f.agent->ns().systemctl({"start", SystemdAgent::unit});
  REQUIRE(UnixSocketClient::wait_for_listener(f.agent->socket(), scaled(20s)));

  const auto refused = f.agent->call("jobs.cancel", {{"id", id}});
  INFO(refused.dump());
  REQUIRE(refused.contains("error"));
  CHECK(refused["error"]["code"] == -32005);
  // Activation goes on once switch-to-configuration may write its line, and ends well.
  CHECK(read_fifo(switch_fifo, scaled(60s)).starts_with("switch "));
  const auto job = f.wait_finished(id, 300s);
  CHECK(job["state"] == "succeeded");
  CHECK(job["generation_after"] == 2);
  CHECK(f.current_inside() == job["result_path"]);
}
