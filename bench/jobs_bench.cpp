// nixtray-bench-jobs: what following a job costs.
//  1. Reading Nix's internal-json log: the agent's analyzer (progress, visible lines) against a
//     plain split of the same bytes into lines, in messages per second.
//  2. A job that logs a million lines, built by real Nix through the nixos-rebuild stand-in in a
//     real systemd (the tests' harness): two clients read the whole log through the agent
//     (jobs.log pages) against `cat` of the same file into a pipe; the agent's RSS before and after.
//  3. The same build again (a new derivation, so Nix prints it all again), followed live by two
//     `nixtray-agent logs ID --follow` and one subscriber that reads nothing (a stalled tray):
//     the job's time against the unfollowed one, what each follower printed, how long after the
//     job they end, and the agent's highest RSS meanwhile; then two `logs ID --follow` (pages)
//     and two `logs ID --raw --follow` (bytes) of the finished log against `cat` into a pipe.
// Prints a table; every ratio is measured in the same run. `--short` for CI; `--parse-only` runs
// only the first part (full size), e.g. under `perf record`.
#include "systemd_fixture.hpp"

#include "jobs/job_log.hpp"
#include "jobs/job_log_analyzer.hpp"
#include "jobs/job_log_line.hpp"
#include "nixtray/protocol/subscribe.hpp"
#include "nixtray/testing/nix_store.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/timeouts.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

using namespace nixtray::testing;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// A stream shaped like `nix-build --log-format internal-json -v` of a build: progress results,
// activity starts and stops, and build log lines.
std::string synthetic_internal_json(int builds, int lines_per_build) {
  std::ostringstream out;
  out << R"(@nix {"action":"start","id":1,"level":0,"text":"","type":104})"
      << "\n";
  for (int b = 0; b < builds; ++b) {
    const auto id = 100 + b;
    out << R"(@nix {"action":"start","fields":["/nix/store/0123456789abcdfghijklmnpqrsvwxyz-pkg-)" << b
        << R"(-1.0.drv","",1,1],"id":)" << id << R"(,"level":3,"text":"building","type":105})"
        << "\n";
    out << R"(@nix {"action":"result","fields":["buildPhase"],"id":)" << id << R"(,"type":104})"
        << "\n";
    for (int l = 0; l < lines_per_build; ++l) {
      out << R"(@nix {"action":"result","fields":["gcc -O2 -c src/file)" << l << R"(.c -o build/file)" << l
          << R"(.o"],"id":)" << id << R"(,"type":101})"
          << "\n";
      if (l % 50 == 0) {
        out << R"(@nix {"action":"result","fields":[)" << b << "," << builds << R"(,1,0],"id":1,"type":105})"
            << "\n";
      }
    }
    out << R"(@nix {"action":"stop","id":)" << id << "}\n";
  }
  return out.str();
}

void parsing_benchmark(bool short_mode) {
  const auto text = synthetic_internal_json(short_mode ? 20 : 200, 1000);
  std::size_t messages = 0;
  for (const char c : text) messages += c == '\n' ? 1 : 0;

  auto start = Clock::now();
  std::size_t split_lines = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    split_lines += end != pos ? 1 : 0;
    pos = end + 1;
  }
  const double split_seconds = seconds_since(start);

  start = Clock::now();
  nixtray::agent::JobLogAnalyzer analyzer;
  std::size_t visible = 0;
  pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    const std::string_view line(text.data() + pos, end - pos);
    visible += analyzer.feed(line).size();
    pos = end + 1;
  }
  const double analyze_seconds = seconds_since(start);
  if (split_lines != messages || visible == 0) {
    std::cerr << "parsing benchmark: inconsistent counts\n";
  }
  std::printf(
      "| internal-json: analyzer (progress + visible lines; goal >= 1,000,000 messages/s) | %.0f messages/s | plain "
      "line split | %.0f lines/s | %.1fx slower |\n",
      static_cast<double>(messages) / analyze_seconds, static_cast<double>(messages) / split_seconds,
      analyze_seconds / split_seconds);
  std::printf("|   (%zu messages, %.1f MiB; %zu visible lines; builds done at the end: %d/%d) | | | | |\n", messages,
              static_cast<double>(text.size()) / (1024.0 * 1024.0), visible, analyzer.progress().builds_done,
              analyzer.progress().builds_expected);
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Reads the whole log of a job through jobs.log pages; returns the number of lines.
std::int64_t read_whole_log(const SystemdAgent& agent, const std::string& id) {
  auto client = agent.client();
  std::int64_t from = 0;
  int request = 10;
  for (;;) {
    client.request(request, "jobs.log", {{"id", id}, {"from", from}, {"limit", 10000}});
    const auto reply = client.response(request++, std::chrono::seconds(60));
    if (!reply || !reply->contains("result")) throw std::runtime_error("jobs.log failed");
    const auto& chunk = (*reply)["result"];
    from = chunk["next"].get<std::int64_t>();
    if (chunk["complete"].get<bool>() || chunk["lines"].empty()) return from;
  }
}

// Reads the whole log file of a job through jobs.log's `format` "raw" (the bytes as JSON text in
// the result) or "bytes" (the bytes right after the result's line); returns the number of bytes.
std::uint64_t read_whole_log_file(const SystemdAgent& agent, const std::string& id, const std::string& format) {
  auto client = agent.client();
  std::int64_t from = 0;
  std::uint64_t bytes = 0;
  int request = 10;
  for (;;) {
    client.request(request, "jobs.log", {{"id", id}, {"from", from}, {"format", format}});
    const auto reply = client.response(request++, std::chrono::seconds(60));
    if (!reply || !reply->contains("result")) throw std::runtime_error("jobs.log (" + format + ") failed");
    const auto& chunk = (*reply)["result"];
    if (format == "bytes") {
      const auto payload = client.read_bytes(chunk["bytes"].get<std::size_t>(), std::chrono::seconds(60));
      if (!payload) throw std::runtime_error("jobs.log (bytes): the payload did not arrive");
      bytes += payload->size();
    } else {
      bytes += chunk["text"].get_ref<const std::string&>().size();
    }
    from = chunk["next"].get<std::int64_t>();
    if (chunk["complete"].get<bool>()) return bytes;
  }
}

struct Followed {
  double job_seconds = 0;
  std::int64_t printed[2] = {0, 0};
  std::int64_t log_lines = 0;
  double lag_ms = 0;
  long rss_before = 0;
  long rss_peak = 0;
  long rss_after = 0;
  double pages_seconds = 0;
  double raw_seconds = 0;
  double cat_seconds = 0;
  bool raw_bytes_match = false;
};

// `nixtray-agent logs ID [--raw] --follow` into `wc -l` or `wc -c`; the count it printed.
std::int64_t follow_log(const SystemdAgent& agent, const std::string& id, bool raw) {
  RunOptions options;
  options.timeout = std::chrono::minutes(10);
  const auto result =
      run_process({"/bin/sh", "-c", "\"$0\" logs \"$1\" --socket \"$2\" --follow $3 | wc $4", NIXTRAY_AGENT_BINARY, id,
                   agent.socket().string(), raw ? "--raw" : "", raw ? "-c" : "-l"},
                  options);
  if (!result.ok()) throw std::runtime_error("logs --follow: " + result.describe());
  return std::stoll(result.out);
}

// Part 3 (header): a second chatty build followed live, then its finished log followed whole.
Followed following_benchmark(const SystemdAgent& agent, const std::function<void(const std::string&)>& write_build,
                             double unfollowed_seconds) {
  Followed f;
  write_build("2.0");
  const auto pid = agent.host_pid();
  f.rss_before = rss_kib(pid);
  const auto start = Clock::now();
  const auto started = agent.call("jobs.start", {{"kind", "rebuild"}, {"mode", "build"}});
  if (!started.contains("result")) throw std::runtime_error("jobs.start: " + started.dump());
  const auto id = started["result"]["id"].get<std::string>();
  auto stalled = agent.subscriber({nixtray::protocol::log_topic(id)});  // subscribed, never read
  std::atomic<double> ended_at{0};
  const auto follower = [&] {
    const auto printed = follow_log(agent, id, false);
    double expected = 0;
    const double now = seconds_since(start);
    while (now > expected && !ended_at.compare_exchange_weak(expected, now)) {
    }
    return printed;
  };
  auto first = std::async(std::launch::async, follower);
  auto second = std::async(std::launch::async, follower);
  json finished;
  f.rss_peak = f.rss_before;
  while ((finished = agent.call("jobs.get", {{"id", id}})["result"])["state"] == "running") {
    f.rss_peak = std::max(f.rss_peak, rss_kib(pid));
    if (seconds_since(start) > 20 * unfollowed_seconds + 60) throw std::runtime_error("the followed job never ended");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  f.job_seconds = seconds_since(start);
  f.printed[0] = first.get();
  f.printed[1] = second.get();
  f.lag_ms = std::max(0.0, ended_at.load() - f.job_seconds) * 1000;
  f.rss_after = rss_kib(pid);
  f.log_lines = finished["log_lines"].get<std::int64_t>();

  const auto log_file = agent.dir() / "state" / "jobs" / id / "log";
  auto timed = [](auto&& work) {
    const auto begun = Clock::now();
    work();
    return seconds_since(begun);
  };
  f.pages_seconds = timed([&] {
    auto a = std::async(std::launch::async, [&] { return follow_log(agent, id, false); });
    auto b = std::async(std::launch::async, [&] { return follow_log(agent, id, false); });
    a.get();
    b.get();
  });
  std::int64_t raw_bytes[2] = {0, 0};
  f.raw_seconds = timed([&] {
    auto a = std::async(std::launch::async, [&] { return follow_log(agent, id, true); });
    auto b = std::async(std::launch::async, [&] { return follow_log(agent, id, true); });
    raw_bytes[0] = a.get();
    raw_bytes[1] = b.get();
  });
  const auto size = static_cast<std::int64_t>(fs::file_size(log_file));
  f.raw_bytes_match = raw_bytes[0] == size && raw_bytes[1] == size;
  f.cat_seconds = timed([&] {
    RunOptions cat;
    cat.timeout = std::chrono::minutes(2);
    (void)run_process({"/bin/sh", "-c", "cat \"$0\" | wc -l", log_file.string()}, cat);
  });
  return f;
}

void streaming_benchmark(bool short_mode) {
  const int lines = short_mode ? 20000 : 1000000;
  TempDir dir("nxbj");  // not /dev/shm: the namespace has its own /dev
  NixStore store(dir.path() / "nix");
  SystemSpec first;
  first.label = "24.11.1 (Vicuna)";
  store.add_generation(store.build_system(first));
  const auto configs = dir.path() / "configs";
  fs::create_directories(configs);
  const auto write_chatty_build = [&](const std::string& version) {
    std::ofstream(configs / "default.nix")
        << "derivation { name = \"chatty-build-" << version
        << "\"; system = builtins.currentSystem; builder = \"/bin/sh\";\n"
        << "  args = [ \"-c\" \"/usr/bin/seq -f 'compiling unit %g of the chatty build' " << lines
        << "; /bin/mkdir $out\" ]; }\n";
  };
  write_chatty_build("1.0");

  SystemdAgentOptions options;
  options.profile_dir = store.profiles_dir();
  options.extra_args = {"--rebuild-command",
                        (fs::path(NIXTRAY_SOURCE_DIR) / "tests" / "jobs" / "nixos-rebuild-standin").string(),
                        "--min-free-space", "0"};
  options.environment = store.env();
  options.environment["NIXTRAY_STANDIN_CONFIGS"] = configs.string();
  SystemdAgent agent(options);
  const auto pid = agent.host_pid();
  const long rss_before = rss_kib(pid);

  // A build whose result is no NixOS system: the job ends at the check step; only its log matters.
  const auto start = Clock::now();
  const auto started = agent.call("jobs.start", {{"kind", "rebuild"}, {"mode", "build"}});
  if (!started.contains("result")) throw std::runtime_error("jobs.start: " + started.dump());
  const auto build_id = started["result"]["id"].get<std::string>();
  json finished;
  wait_until(
      [&] {
        finished = agent.call("jobs.get", {{"id", build_id}})["result"];
        return finished["state"] != "running";
      },
      std::chrono::minutes(10), std::chrono::milliseconds(10));  // as the followed job below
  const double job_seconds = seconds_since(start);
  const long rss_after_job = rss_kib(pid);

  const auto read_start = Clock::now();
  auto first_reader = std::async(std::launch::async, [&] { return read_whole_log(agent, build_id); });
  auto second_reader = std::async(std::launch::async, [&] { return read_whole_log(agent, build_id); });
  const auto read_lines = first_reader.get();
  second_reader.get();
  const double agent_seconds = seconds_since(read_start);
  const long rss_after_reads = rss_kib(pid);

  const auto raw_start = Clock::now();
  auto first_raw = std::async(std::launch::async, [&] { return read_whole_log_file(agent, build_id, "raw"); });
  auto second_raw = std::async(std::launch::async, [&] { return read_whole_log_file(agent, build_id, "raw"); });
  const auto raw_bytes = first_raw.get();
  second_raw.get();
  const double raw_seconds = seconds_since(raw_start);

  const auto bytes_start = Clock::now();
  auto first_bytes = std::async(std::launch::async, [&] { return read_whole_log_file(agent, build_id, "bytes"); });
  auto second_bytes = std::async(std::launch::async, [&] { return read_whole_log_file(agent, build_id, "bytes"); });
  const auto bulk_bytes = first_bytes.get();
  second_bytes.get();
  const double bytes_seconds = seconds_since(bytes_start);

  const auto log_file = agent.dir() / "state" / "jobs" / build_id / "log";
  const auto cat_start = Clock::now();
  RunOptions cat;
  cat.timeout = std::chrono::minutes(2);
  const auto piped = run_process({"/bin/sh", "-c", "cat \"$0\" | wc -l", log_file.string()}, cat);
  const double cat_seconds = seconds_since(cat_start);

  const auto followed = following_benchmark(agent, write_chatty_build, job_seconds);

  std::printf(
      "| job log, %lld visible lines (%s raw), read whole by 2 clients via jobs.log | %.2f s | cat of the file into a "
      "pipe | %.3f s | %.0fx |\n",
      static_cast<long long>(read_lines), trim_right(piped.out).c_str(), agent_seconds, cat_seconds,
      agent_seconds / cat_seconds);
  std::printf(
      "| the same log's file (%.1f MiB) read whole by 2 clients via jobs.log's raw form | %.2f s | cat of the file "
      "into a pipe | %.3f s | %.1fx%s |\n",
      static_cast<double>(raw_bytes) / (1024.0 * 1024.0), raw_seconds, cat_seconds, raw_seconds / cat_seconds,
      raw_bytes == fs::file_size(log_file) ? "" : " BYTES DIFFER");
  std::printf(
      "| the same log's file read whole by 2 clients via jobs.log's bytes form | %.2f s | cat of the file "
      "into a pipe | %.3f s | %.1fx (goal <= 2x)%s |\n",
      bytes_seconds, cat_seconds, bytes_seconds / cat_seconds,
      bulk_bytes == fs::file_size(log_file) ? "" : " BYTES DIFFER");
  std::printf("| the job itself (nix-build printing %d lines, followed live) | %.1f s | | | |\n", lines, job_seconds);
  std::printf("| agent RSS: before the job / after the job / after both reads | %ld / %ld / %ld KiB | | | |\n",
              rss_before, rss_after_job, rss_after_reads);
  std::printf(
      "| the same build again, followed live by 2 `logs ID --follow` and 1 subscriber that reads nothing | %.1f s | "
      "the build unfollowed | %.1f s | %.2fx |\n",
      followed.job_seconds, job_seconds, followed.job_seconds / job_seconds);
  std::printf("| lines each follower printed / visible lines of the log | %lld, %lld / %lld | | | |\n",
              static_cast<long long>(followed.printed[0]), static_cast<long long>(followed.printed[1]),
              static_cast<long long>(followed.log_lines));
  std::printf("| the followers' end after the job's | %.0f ms | | | |\n", followed.lag_ms);
  std::printf(
      "| agent RSS while followed (the stalled subscriber too): before / highest / after | %ld / %ld / %ld KiB | | | "
      "|\n",
      followed.rss_before, followed.rss_peak, followed.rss_after);
  std::printf(
      "| the finished log to 2 `nixtray-agent logs ID --follow` (pages), each into a pipe | %.2f s | cat of the file "
      "into a pipe | %.3f s | %.2fx as fast (goal >= 0.5x) |\n",
      followed.pages_seconds, followed.cat_seconds, followed.cat_seconds / followed.pages_seconds);
  std::printf(
      "| the same to 2 `nixtray-agent logs ID --raw --follow` (bytes)%s | %.2f s | cat of the file into a pipe | "
      "%.3f s | %.2fx as fast (goal >= 0.5x) |\n",
      followed.raw_bytes_match ? "" : " BYTES DIFFER", followed.raw_seconds, followed.cat_seconds,
      followed.cat_seconds / followed.raw_seconds);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  const bool short_mode = mode == "--short";
  std::printf("| measurement | nixtray | baseline | baseline | ratio |\n| --- | --- | --- | --- | --- |\n");
  parsing_benchmark(short_mode);
  if (mode == "--parse-only") return 0;  // for a profiler: the analyzer alone
  try {
    streaming_benchmark(short_mode);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "streaming benchmark failed: %s\n", e.what());
    return 1;
  }
  return 0;
}
