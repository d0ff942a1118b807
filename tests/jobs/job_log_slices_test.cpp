// jobs.log of a finished job with a million lines, on an agent that has not read it yet (it just
// restarted): the agent numbers the log in bounded steps between other clients' requests, never
// in one piece, and serves it in slices with memory that does not grow with the log.
#include "catch.hpp"
#include "jobs_fixture.hpp"

#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unix_socket_client.hpp"

#include <cstdlib>
#include <iostream>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr int chatter_lines = 1'000'000;
// The agent's resident memory may grow by this much while it serves the whole log (about 45 MiB
// of text): what one slice and its reply take, plus ASan's bookkeeping.
constexpr long slice_memory_cap_kib = 24 * 1024;

}  // namespace

TEST_CASE("a finished million-line log is served in bounded slices: others are answered meanwhile, memory stays flat",
          "[robustness]") {
  JobsFixtureOptions options;
  const char* asan = std::getenv("ASAN_OPTIONS");
  // ASan keeps freed memory in a quarantine (256 MiB by default): limited to 1 MiB, so RSS means something.
  options.environment = {{"NIXTRAY_STANDIN_CHATTER_LINES", std::to_string(chatter_lines)},
                         {"ASAN_OPTIONS", std::string(asan ? asan : "") + ":quarantine_size_mb=1"}};
  JobsFixture f(options);
  const auto job = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}), 600s);
  REQUIRE(job["state"] == "succeeded");
  const auto id = job["id"].get<std::string>();
  const auto total = job["log_lines"].get<std::int64_t>();
  REQUIRE(total > chatter_lines);
  const auto log_kib = static_cast<long>(fs::file_size(f.agent->state_dir() / "jobs" / id / "log") / 1024);

  // A new agent process, to which the log is new.
  f.agent->ns().systemctl({"restart", SystemdAgent::unit});
  REQUIRE(UnixSocketClient::wait_for_listener(f.agent->socket(), scaled(20s)));
  const pid_t agent = f.agent->host_pid();
  auto reader = f.agent->client();
  auto witness = f.agent->client();
  const auto rss_before = status_kib(agent, "VmRSS");

  // The end of the log, which takes numbering all of it, and right behind it a status request.
  reader.request(2, "jobs.log", {{"id", id}, {"from", total - 10}, {"limit", 10}});
  witness.request(2, "status");
  const auto status = witness.response(2, scaled(60s));
  REQUIRE(status);
  CHECK(status->contains("result"));
  // The status came back while the end of the log had not: the agent was still numbering it.
  const auto early = reader.read_line_if_ready();
  CHECK_FALSE(early);
  const auto last = early ? std::optional<json>(json::parse(*early)) : reader.response(2, scaled(300s));
  REQUIRE(last);
  INFO(last->dump().substr(0, 2000));
  REQUIRE(last->contains("result"));
  CHECK((*last)["result"]["lines"].size() == 10);
  CHECK((*last)["result"]["complete"] == true);

  // All of it, slice by slice, as a client reads a whole log.
  std::int64_t from = 0;
  std::int64_t received = 0;
  long peak = rss_before;
  const auto rss_indexed = status_kib(agent, "VmRSS");
  long rss_half = 0;
  bool saw_last_chatter = false;
  for (int slices = 0; slices < 1000; ++slices) {
    reader.request(3 + slices, "jobs.log", {{"id", id}, {"from", from}, {"limit", 10000}});
    const auto reply = reader.response(3 + slices, scaled(60s));
    REQUIRE(reply);
    REQUIRE(reply->contains("result"));
    const auto& chunk = (*reply)["result"];
    REQUIRE(chunk["from"] == from);
    received += static_cast<std::int64_t>(chunk["lines"].size());
    for (const auto& line : chunk["lines"]) {
      saw_last_chatter = saw_last_chatter || line.get<std::string>().ends_with("line " + std::to_string(chatter_lines));
    }
    from = chunk["next"].get<std::int64_t>();
    peak = std::max(peak, status_kib(agent, "VmRSS"));
    if (rss_half == 0 && from >= total / 2) rss_half = peak;
    if (chunk["complete"].get<bool>()) break;
  }
  std::cout << "a " << total << "-line log (" << log_kib << " KiB) served in slices: agent RSS " << rss_before
            << " KiB before, " << rss_indexed << " numbered, " << rss_half << " at half, peak " << peak << " KiB\n";
  CHECK(received == total);
  CHECK(saw_last_chatter);
  CHECK(peak - rss_before < slice_memory_cap_kib);
  CHECK(peak - rss_half < 8 * 1024);  // the second half of the log costs no more memory than the first
  CHECK(peak - rss_before < log_kib / 2);
}
