// Load against a real agent process over real sockets: many clients at once (also while a real
// job streams its log to all of them), and many short connections in a row. What is checked is that nothing is lost or
// leaked (every client answered, every event delivered, descriptors and memory back where they were), never how fast:
// speed is the benchmarks' job (bench/).
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "process_memory.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/timeouts.hpp"

#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <vector>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr int many_clients = 1000;
constexpr int connect_cycles = 10000;
// The agent's memory may grow by at most this much once its clients are gone (ASan's quarantine
// is limited to 16 MiB below, so freed memory kept for checking does not count as a leak) ...
constexpr long memory_growth_cap_kib = 64 * 1024;
// ... and by this much per connected client while they are there (buffers, a session, ASan's
// redzones around each allocation: about 70 KiB measured under ASan, far less without).
constexpr long memory_per_client_cap_kib = 160;
// The agent's resident memory, an absolute cap, sampled all the while 1,000 clients follow a job's
// log: about 210 MiB measured under ASan (the CI build); without ASan far less.
constexpr long streaming_rss_cap_kib = 512 * 1024;
constexpr int streamed_lines = 3000;

// The test process itself holds one descriptor per client.
void raise_own_open_file_limit(rlim_t wanted) {
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  if (limit.rlim_cur < wanted) {
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
  }
  REQUIRE(limit.rlim_cur >= wanted);
}

std::size_t open_descriptors(pid_t pid) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++count;
  return count;
}

// A profile with generation 1, which is also current and booted.
PlainProfile one_generation_profile(const fs::path& root) {
  auto profile = make_plain_profile(root);
  profile.add(1, "24.11.20241201.aaaaaaa (Vicuna)");
  profile.set_default(1);
  profile.set_current(1);
  profile.set_booted(1);
  return profile;
}

// ASan's quarantine limited, so that RSS means something (process_memory.hpp).
std::string agent_asan_options() { return asan_options_with_quarantine(16); }

TestAgentOptions load_agent_options(const PlainProfile& profile) {
  auto options = agent_options_for(profile);
  options.extra_args = {"--max-clients", "2000"};
  options.env["ASAN_OPTIONS"] = agent_asan_options();
  return options;
}

// What one client following a job's log has seen: the events' chunks of lines, in order, and how
// many lines the agent announced as skipped (an event's `from` beyond the last `next`).
struct LogFollower {
  std::int64_t next = 0;
  std::vector<std::pair<std::int64_t, std::vector<std::string>>> chunks;  // from, lines
  std::int64_t skipped = 0;
  bool complete = false;      // the event that says every line was delivered
  bool job_finished = false;  // the `jobs` event of the job's end (if `complete` was skipped)
  bool subscribed = false;

  void take(const json& message, const std::string& topic, const std::string& id) {
    if (message.value("method", "") != "event") {
      if (message.value("id", json()) == 2 && message.contains("result")) subscribed = true;
      return;
    }
    const auto& params = message["params"];
    if (params["topic"] == topic) {
      const auto& chunk = params["data"];
      const auto from = chunk["from"].get<std::int64_t>();
      skipped += std::max<std::int64_t>(0, from - next);
      chunks.emplace_back(from, chunk["lines"].get<std::vector<std::string>>());
      next = std::max(next, chunk["next"].get<std::int64_t>());
      complete = complete || chunk["complete"].get<bool>();
    } else if (params["topic"] == "jobs" && params["data"]["id"] == id && params["data"]["state"] != "running") {
      job_finished = true;
    }
  }
};

}  // namespace

TEST_CASE("1,000 clients subscribed at once: each is answered and each gets the generations event", "[robustness]") {
  raise_own_open_file_limit(many_clients + 200);
  TempDir dir;
  auto profile = one_generation_profile(dir.path());
  TestAgent agent(load_agent_options(profile));
  const auto rss_before = status_kib(agent.pid(), "VmRSS");

  std::vector<RawClient> clients;
  clients.reserve(many_clients);
  for (int i = 0; i < many_clients; ++i) {
    clients.push_back(RawClient::unix_socket(agent.socket()));
    const auto hello = clients.back().hello();
    INFO("client " << i << ": " << hello.dump());
    REQUIRE(hello.contains("result"));
    clients.back().request(2, "subscribe", {{"topics", {"generations"}}});
    const auto subscribed = clients.back().response(2, scaled(10s));
    REQUIRE(subscribed);
    REQUIRE(subscribed->contains("result"));
  }
  CHECK(open_descriptors(agent.pid()) >= many_clients);

  // One change, pushed to every subscriber.
  profile.add(2, "24.11.20241215.bbbbbbb (Vicuna)");
  profile.set_default(2);
  int delivered = 0;
  for (auto& client : clients) {
    while (const auto message = client.read_json(scaled(30s))) {
      if (message->value("method", "") == "event" && (*message)["params"]["topic"] == "generations") {
        ++delivered;
        break;
      }
    }
  }
  CHECK(delivered == many_clients);

  // And each can still ask.
  int answered = 0;
  for (auto& client : clients) {
    client.request(3, "status");
    const auto reply = client.response(3, scaled(20s));
    if (reply && reply->contains("result") && (*reply)["result"]["generations"]["default"] == 2) ++answered;
  }
  CHECK(answered == many_clients);
  const auto hwm = status_kib(agent.pid(), "VmHWM");
  std::cout << "1000 subscribed clients: agent RSS " << rss_before << " KiB before, peak " << hwm << " KiB\n";
  CHECK(hwm - rss_before < memory_growth_cap_kib + many_clients * memory_per_client_cap_kib);
  CHECK(agent.running());
}

TEST_CASE("10,000 connect/hello/close cycles leave no descriptor and no memory behind", "[robustness]") {
  TempDir dir;
  auto profile = one_generation_profile(dir.path());
  TestAgent agent(load_agent_options(profile));
  {
    // Warm up: the first sessions allocate what the agent keeps (caches, the method table).
    for (int i = 0; i < 100; ++i) RawClient::unix_socket(agent.socket()).hello();
  }
  const auto descriptors_before = open_descriptors(agent.pid());
  const auto rss_before = status_kib(agent.pid(), "VmRSS");

  int refused = 0;
  for (int i = 0; i < connect_cycles; ++i) {
    auto client = RawClient::unix_socket(agent.socket());
    if (!client.hello().contains("result")) ++refused;
  }
  CHECK(refused == 0);

  // The agent closes its side when it reads EOF: give it a moment to get there.
  auto descriptors_after = open_descriptors(agent.pid());
  const auto deadline = std::chrono::steady_clock::now() + scaled(10s);
  while (descriptors_after > descriptors_before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    descriptors_after = open_descriptors(agent.pid());
  }
  const auto rss_after = status_kib(agent.pid(), "VmRSS");
  std::cout << connect_cycles << " cycles: agent descriptors " << descriptors_before << " -> " << descriptors_after
            << ", RSS " << rss_before << " -> " << rss_after << " KiB\n";
  CHECK(descriptors_after <= descriptors_before);
  CHECK(rss_after - rss_before < memory_growth_cap_kib);

  auto witness = RawClient::unix_socket(agent.socket());
  witness.hello();
  witness.request(2, "status");
  const auto reply = witness.response(2);
  REQUIRE(reply);
  CHECK(reply->contains("result"));
}

TEST_CASE("1,000 clients follow a job's log while it streams: every line in order, bounded memory", "[robustness]") {
  raise_own_open_file_limit(many_clients + 200);
  JobsFixtureOptions options;
  options.environment["ASAN_OPTIONS"] = agent_asan_options();
  JobsFixture f(options);
  // A build that waits until every client is subscribed, then prints its lines in bursts of 100
  // (a real build's output, through Nix's log and the job's log file, into `log:<id>` events).
  const auto gate = f.configs / "go";
  write_text(f.configs / "default.nix",
             "derivation { name = \"streamed-build-1.0\"; system = builtins.currentSystem; builder = \"/bin/sh\";\n"
             "  args = [ \"-c\" \"while [ ! -e " +
                 gate.string() +
                 " ]; do /bin/sleep 0.1; done; i=0; "
                 "while [ $i -lt " +
                 std::to_string(streamed_lines) +
                 " ]; do echo \\\"streamed line $i\\\"; i=$((i+1)); "
                 "if [ $((i % 100)) -eq 0 ]; then /bin/sleep 0.05; fi; done; /bin/mkdir $out\" ]; }\n");
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  const std::string topic = "log:" + id;
  const pid_t agent_pid = f.agent->host_pid();
  const auto rss_before = status_kib(agent_pid, "VmRSS");
  RssSampler sampler(agent_pid);

  std::vector<RawClient> clients;
  std::vector<LogFollower> followers(many_clients);
  clients.reserve(many_clients);
  for (int i = 0; i < many_clients; ++i) {
    clients.push_back(RawClient::unix_socket(f.agent->socket()));
    const auto hello = clients.back().hello();
    INFO("client " << i << ": " << hello.dump());
    REQUIRE(hello.contains("result"));
    clients.back().request(2, "subscribe", {{"topics", {topic, "jobs"}}});
    // The subscribe answer comes after the event with the lines so far: keep that event.
    while (!followers[i].subscribed) {
      const auto message = clients.back().read_json(scaled(10s));
      REQUIRE(message);
      REQUIRE_FALSE(message->contains("error"));
      followers[i].take(*message, topic, id);
    }
  }
  CHECK(f.job(id)["state"] == "running");
  write_text(gate, "");

  // Read all clients at once, as 1,000 tray icons would, until each has the whole log.
  std::vector<pollfd> fds;
  const auto deadline = std::chrono::steady_clock::now() + scaled(300s);
  auto done = [&](int i) { return followers[i].complete || followers[i].job_finished || clients[i].closed(); };
  for (;;) {
    fds.clear();
    std::vector<int> waiting;
    for (int i = 0; i < many_clients; ++i) {
      if (!done(i)) {
        fds.push_back({clients[i].fd(), POLLIN, 0});
        waiting.push_back(i);
      }
    }
    if (waiting.empty() || std::chrono::steady_clock::now() > deadline) break;
    ::poll(fds.data(), fds.size(), 100);
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      const int i = waiting[k];
      while (const auto line = clients[i].read_line_if_ready()) {
        followers[i].take(json::parse(*line), topic, id);
      }
    }
  }
  const auto finished = f.wait_finished(id);
  sampler.stop();
  const auto hwm = status_kib(agent_pid, "VmHWM");

  const auto all = f.log_lines(id);
  INFO("job " << finished.dump());
  REQUIRE(contains(all, "streamed line " + std::to_string(streamed_lines - 1)));
  const auto total = static_cast<std::int64_t>(all.size());

  // Each client does what docs/protocol.md tells it to: lines skipped by the agent (an event's
  // `from` beyond the last `next`) are fetched with jobs.log. Then each must hold the whole log,
  // every line once, in order.
  int whole = 0, with_gaps = 0, unfinished = 0, wrong = 0;
  std::int64_t skipped_lines = 0, gaps = 0, overlaps = 0;
  for (int i = 0; i < many_clients; ++i) {
    auto& follower = followers[i];
    if (!follower.complete && !follower.job_finished) {
      ++unfinished;
      continue;
    }
    std::vector<std::string> rebuilt;
    std::int64_t next = 0;
    int request_id = 100;
    auto fetch_until = [&](std::int64_t end) {
      while (next < end) {
        clients[i].request(++request_id, "jobs.log",
                           {{"id", id}, {"from", next}, {"limit", std::min<std::int64_t>(end - next, 10000)}});
        const auto reply = clients[i].response(request_id, scaled(30s));
        if (!reply || !reply->contains("result") || (*reply)["result"]["next"].get<std::int64_t>() <= next)
          return false;
        for (const auto& line : (*reply)["result"]["lines"]) rebuilt.push_back(line.get<std::string>());
        next = (*reply)["result"]["next"].get<std::int64_t>();
      }
      return true;
    };
    bool fetched = true;
    bool repeated_differs = false;
    for (const auto& [from, lines] : follower.chunks) {
      if (from > next) {
        ++gaps;
        skipped_lines += from - next;
        fetched = fetched && fetch_until(from);
      }
      // from < next: lines already known come again (allowed); they must be the same lines.
      for (std::size_t k = 0; k < lines.size(); ++k) {
        const auto position = from + static_cast<std::int64_t>(k);
        if (position < next) {
          ++overlaps;
          repeated_differs = repeated_differs || rebuilt[static_cast<std::size_t>(position)] != lines[k];
        } else {
          rebuilt.push_back(lines[k]);
          next = position + 1;
        }
      }
    }
    if (next < total) {  // the last events themselves were skipped; the `jobs` event said it ended
      ++gaps;
      skipped_lines += total - next;
      fetched = fetched && fetch_until(total);
    }
    if (!fetched || repeated_differs || rebuilt != all) {
      ++wrong;
      continue;
    }
    if (follower.skipped > 0 || !follower.complete)
      ++with_gaps;
    else
      ++whole;
  }
  {
    std::cout << "client 0's events (from+lines):";
    for (const auto& [from, lines] : followers[0].chunks) std::cout << " " << from << "+" << lines.size();
    std::cout << "\n";
  }
  std::cout << many_clients << " clients following a " << total << "-line log: " << whole
            << " got every line as events, " << with_gaps << " had " << gaps << " gaps (" << skipped_lines
            << " lines in all) fetched with jobs.log, " << overlaps << " lines sent twice; agent RSS " << rss_before
            << " KiB before, sampled peak " << sampler.peak_kib() << " KiB over " << sampler.samples()
            << " samples, VmHWM " << hwm << " KiB\n";
  CHECK(unfinished == 0);  // every client learnt that the log is complete or the job ended
  CHECK(wrong == 0);       // events plus the skipped lines fetched give the whole log, in order
  CHECK(whole + with_gaps == many_clients);
  CHECK(sampler.samples() > 0);
  CHECK(sampler.peak_kib() < streaming_rss_cap_kib);
  CHECK(hwm < streaming_rss_cap_kib);
  CHECK(f.agent->status()["running_job"].is_null());
}
