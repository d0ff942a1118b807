// Load against a real agent process over real sockets: many clients at once, and many short
// connections in a row. What is checked is that nothing is lost or leaked (every client answered,
// every event delivered, descriptors and memory back where they were), never how fast: speed is
// the benchmarks' job (bench/).
#include "catch.hpp"
#include "raw_client.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/timeouts.hpp"

#include <sys/resource.h>

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

// A line of /proc/PID/status in KiB ("VmRSS", "VmHWM").
long status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stol(line.substr(field.size() + 1));
  }
  FAIL("no " << field << " in /proc/" << pid << "/status");
  return 0;
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

TestAgentOptions load_agent_options(const PlainProfile& profile) {
  auto options = agent_options_for(profile);
  options.extra_args = {"--max-clients", "2000"};
  const char* asan = std::getenv("ASAN_OPTIONS");
  options.env["ASAN_OPTIONS"] = std::string(asan ? asan : "") + ":quarantine_size_mb=16";
  return options;
}

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
