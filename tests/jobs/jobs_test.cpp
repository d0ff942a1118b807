// Jobs on real components: an agent running inside a real systemd (the harness namespace) starts
// rebuild / rollback / gc jobs as transient units; rebuilds build real toy NixOS systems with real
// Nix through the nixos-rebuild stand-in (tests/jobs/nixos-rebuild-standin) and activate them.
#include "catch.hpp"
#include "jobs_fixture.hpp"
#include "test_agent.hpp"

#include "nixtray/testing/nix_store.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/text_file.hpp"
#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unix_socket_client.hpp"

#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace nixtray::testing;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

TEST_CASE("a rebuild switch builds, registers and activates a new generation, with progress in order") {
  JobsFixture f;
  auto watcher = f.agent->subscriber({"jobs"});
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "switch"}});

  std::vector<std::string> phases;
  int highest_builds_done = 0;
  bool progress_went_back = false;
  const auto finished = wait_for_event(
      watcher, "jobs",
      [&](const json& job) {
        if (job["id"] != id) return false;
        const auto phase = job["progress"]["phase"].get<std::string>();
        if (phases.empty() || phases.back() != phase) phases.push_back(phase);
        const int done = job["progress"]["builds_done"].get<int>();
        progress_went_back = progress_went_back || done < highest_builds_done;
        highest_builds_done = std::max(highest_builds_done, done);
        return job["state"] != "running";
      },
      180s);
  REQUIRE(finished);
  INFO((*finished).dump(2) << "\n" << f.agent->log());
  CHECK((*finished)["state"] == "succeeded");
  CHECK((*finished)["exit_code"] == 0);
  CHECK((*finished)["summary"].is_null());
  CHECK((*finished)["generation_before"] == 1);
  CHECK((*finished)["generation_after"] == 2);
  CHECK((*finished)["result_path"].get<std::string>().find("nixos-system") != std::string::npos);
  CHECK_FALSE(progress_went_back);
  CHECK(highest_builds_done >= 1);
  // Phases never go backwards: preparing, building, checking, registering, activating, done.
  const std::vector<std::string> order = {"preparing", "building", "checking", "registering", "activating", "done"};
  std::size_t position = 0;
  for (const auto& phase : phases) {
    const auto it = std::find(order.begin() + static_cast<std::ptrdiff_t>(position), order.end(), phase);
    INFO("phases seen: " << json(phases).dump());
    REQUIRE(it != order.end());
    position = static_cast<std::size_t>(it - order.begin());
  }
  CHECK(phases.back() == "done");

  const auto status = f.agent->wait_for_status([](const json& s) { return s["generations"]["current"] == 2; });
  CHECK(status["generations"]["default"] == 2);
  CHECK(status["restart_pending"] == true);  // booted is still 1
  CHECK(status["running_job"].is_null());
  CHECK(f.current_inside() == (*finished)["result_path"]);

  const auto lines = f.log_lines(id);
  CHECK(contains(lines, "hello-2.12.2"));
  CHECK(contains(lines, "the system profile now boots generation 2"));
  CHECK(static_cast<std::int64_t>(lines.size()) == (*finished)["log_lines"].get<std::int64_t>());
}

TEST_CASE("rebuild failures are summarised so a person can act: evaluation, build, check, activation") {
  JobsFixture f;
  SECTION("evaluation error with its location") {
    write_text(f.configs / "default.nix", "let cfg = { services.foo.enable = true; };\nin cfg.services.bar.enable\n");
    const auto job = f.wait_finished(f.start({{"kind", "rebuild"}}));
    CHECK(job["state"] == "failed");
    CHECK(job["failure"]["kind"] == "evaluation");
    CHECK(job["failure"]["location"] == (f.configs / "default.nix").string() + ":2:4");
    CHECK(job["summary"].get<std::string>().find("attribute 'bar' missing") != std::string::npos);
  }
  SECTION("build error with the derivation, its phase and last lines") {
    write_text(f.configs / "default.nix", R"(derivation {
  name = "broken-package-1.0"; system = builtins.currentSystem; builder = "/bin/sh";
  args = [ "-c" "echo '@nix {\"action\":\"setPhase\",\"phase\":\"buildPhase\"}' >&2; echo compiling main.c; echo 'main.c:3: error: expected semicolon' >&2; exit 2" ];
}
)");
    const auto job = f.wait_finished(f.start({{"kind", "rebuild"}}));
    CHECK(job["state"] == "failed");
    CHECK(job["failure"]["kind"] == "build");
    CHECK(job["failure"]["derivation"] == "broken-package-1.0");
    CHECK(job["failure"]["phase"] == "buildPhase");
    CHECK(job["summary"].get<std::string>().find("main.c:3: error: expected semicolon") != std::string::npos);
  }
  SECTION("a built closure that is not a NixOS system is refused before anything is activated") {
    auto spec = toy_system_spec("24.11.20241216.ccccccc (Vicuna)", "2.12.2");
    spec.has_init = false;
    f.store->write_configuration(f.configs, "default", spec);
    const auto job = f.wait_finished(f.start({{"kind", "rebuild"}}));
    CHECK(job["state"] == "failed");
    CHECK(job["failure"]["kind"] == "check");
    CHECK(job["summary"].get<std::string>().find("init") != std::string::npos);
    CHECK(job["generation_after"] == 1);  // not registered
  }
  SECTION("activation failure names the failed units") {
    auto spec = toy_system_spec("24.11.20241217.ddddddd (Vicuna)", "2.12.2");
    spec.switch_exit_status = 4;
    spec.switch_message = "warning: the following units failed: nginx.service, postgresql.service";
    f.store->write_configuration(f.configs, "default", spec);
    const auto job = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}}));
    CHECK(job["state"] == "failed");
    CHECK(job["failure"]["kind"] == "activation");
    CHECK(job["failure"]["units"] == json::array({"nginx.service", "postgresql.service"}));
    CHECK(job["summary"] == "activation failed: nginx.service, postgresql.service failed to start");
  }
  // A failed job is a failed job, not a failed unit: the system does not become degraded.
  const auto status = f.agent->status();
  CHECK(status["system_state"] != "degraded");
  for (const auto& unit : status["failed_units"]) {
    CHECK(unit["name"].get<std::string>().find("nixtray-job-") == std::string::npos);
  }
}

TEST_CASE("a build job's result can be reviewed and then activated without building again") {
  JobsFixture f;
  const auto built = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "build"}}));
  REQUIRE(built["state"] == "succeeded");
  CHECK(built["generation_after"] == 1);  // build registers nothing
  const auto system = built["result_path"].get<std::string>();
  const auto activated = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "switch"}, {"system", system}}));
  CHECK(activated["state"] == "succeeded");
  CHECK(activated["result_path"] == system);
  CHECK(activated["generation_after"] == 2);
  CHECK_FALSE(contains(f.log_lines(activated["id"]), "nixos-rebuild"));
  // A path that is not in the store is refused before a job starts (activatable_system_test.cpp).
  const auto bogus = f.agent->call("jobs.start", {{"kind", "rebuild"}, {"system", "/tmp/not-a-store-path"}});
  CHECK(bogus["error"]["code"] == -32005);
}

TEST_CASE("rebuild test with a flake and upgrade activates without a new generation, and dry-build changes nothing") {
  JobsFixture f;
  f.store->write_configuration(f.configs, "laptop", toy_system_spec("24.11.20241220.ccccccc (Vicuna)", "2.12.3"));
  const auto tested = f.wait_finished(
      f.start({{"kind", "rebuild"}, {"mode", "test"}, {"flake", f.configs.string() + "#laptop"}, {"upgrade", true}}));
  INFO(tested.dump(2) << "\n" << f.agent->log());
  CHECK(tested["state"] == "succeeded");
  CHECK(tested["generation_before"] == 1);
  CHECK(tested["generation_after"] == 1);  // test registers nothing: the next start boots 1 again
  const auto lines = f.log_lines(tested["id"]);
  CHECK(contains(lines, "--upgrade: no channels to update"));  // the flag reached nixos-rebuild
  CHECK(contains(lines, "hello-2.12.3"));                      // the flake's output was built
  CHECK(f.current_inside() == tested["result_path"]);          // and activated

  const auto dry = f.wait_finished(f.start({{"kind", "rebuild"}, {"mode", "dry-build"}}));
  CHECK(dry["state"] == "succeeded");
  CHECK(dry["generation_after"] == 1);
  CHECK(f.current_inside() == tested["result_path"]);  // nothing activated
  const auto status = f.agent->wait_for_status([](const json& s) { return s["running_job"].is_null(); });
  CHECK(status["generations"]["default"] == 1);
}

TEST_CASE("rollback in switch and boot mode, and the put-back when activation fails") {
  JobsFixture f;
  auto bad = toy_system_spec("24.11.20241218.eeeeeee (Vicuna)", "2.12.3");
  bad.switch_exit_status = 1;
  const auto two = f.store->add_generation(f.store->build_system(toy_system_spec("24.11.2 (Vicuna)", "2.12.2")));
  const auto three = f.store->add_generation(f.store->build_system(bad));
  REQUIRE(three == 3);

  SECTION("boot only repoints the profile") {
    const auto job = f.wait_finished(f.start({{"kind", "rollback"}, {"to", two}, {"mode", "boot"}}));
    CHECK(job["state"] == "succeeded");
    const auto status = f.agent->wait_for_status([&](const json& s) { return s["generations"]["default"] == two; });
    CHECK(status["generations"]["current"] == 1);
    CHECK(status["boot_pending"] == true);
  }
  SECTION("switch activates the target now") {
    const auto job = f.wait_finished(f.start({{"kind", "rollback"}, {"to", two}}));
    CHECK(job["state"] == "succeeded");
    const auto status = f.agent->wait_for_status([&](const json& s) { return s["generations"]["current"] == two; });
    CHECK(status["generations"]["default"] == two);
  }
  SECTION("a target that fails to activate is not left as the default") {
    f.wait_finished(f.start({{"kind", "rollback"}, {"to", two}, {"mode", "boot"}}));
    const auto job = f.wait_finished(f.start({{"kind", "rollback"}, {"to", three}}));
    CHECK(job["state"] == "failed");
    CHECK(job["failure"]["kind"] == "activation");
    CHECK(job["progress"]["phase"] == "restoring");
    CHECK(job["generation_after"] == two);
    CHECK(contains(f.log_lines(job["id"]), "points at generation 2 again"));
  }
  SECTION("without a target: the previous generation; an unknown target is not found") {
    const auto job = f.wait_finished(f.start({{"kind", "rollback"}, {"mode", "boot"}}));
    CHECK(job["generation_after"] == two);
    const auto missing = f.agent->call("jobs.start", {{"kind", "rollback"}, {"to", 99}});
    CHECK(missing["error"]["code"] == -32003);
  }
}

TEST_CASE("gc deletes old generations but never the default, current, booted or known-good one") {
  JobsFixture f;
  for (int i = 2; i <= 6; ++i) {
    f.store->add_generation(f.store->build_system(
        toy_system_spec("24.11." + std::to_string(i) + " (Vicuna)", "2.12." + std::to_string(i))));
  }
  // 1 is current and booted; 3 is known-good; 6 is the default.
  REQUIRE(f.agent->call("generations.mark_good", {{"number", 3}}).contains("result"));
  const auto job = f.wait_finished(f.start({{"kind", "gc"}, {"keep", 1}}));
  INFO(job.dump(2));
  CHECK(job["state"] == "succeeded");
  std::set<int> left;
  for (const auto& g : f.store->list_generations()) left.insert(g.number);
  CHECK(left == std::set<int>{1, 3, 6});
  CHECK(contains(f.log_lines(job["id"]), "freed"));
}

TEST_CASE("one job at a time, cancelling before activation, and no cancelling during it") {
  JobsFixture f;
  auto slow = toy_system_spec("24.11.20241219.fffffff (Vicuna)", "2.12.4");
  slow.build_delay_seconds = 30;
  f.store->write_configuration(f.configs, "default", slow);
  const auto id = f.start({{"kind", "rebuild"}});
  REQUIRE(wait_until([&] { return f.job(id)["progress"]["phase"] == "building"; }, scaled(60s)));

  const auto second = f.agent->call("jobs.start", {{"kind", "gc"}, {"keep", 3}});
  CHECK(second["error"]["code"] == -32002);
  CHECK(second["error"]["data"]["job"] == id);
  CHECK(f.agent->status()["running_job"] == id);

  const auto cancel = f.agent->call("jobs.cancel", {{"id", id}});
  CHECK(cancel.contains("result"));
  const auto cancelled = f.wait_finished(id);
  CHECK(cancelled["state"] == "cancelled");
  CHECK(cancelled["generation_after"] == 1);

  auto slow_switch = toy_system_spec("24.11.20241220.ggggggg (Vicuna)", "2.12.5");
  slow_switch.switch_delay_seconds = 8;
  f.store->write_configuration(f.configs, "default", slow_switch);
  const auto activating = f.start({{"kind", "rebuild"}});
  REQUIRE(wait_until([&] { return f.job(activating)["progress"]["phase"] == "activating"; }, scaled(120s)));
  const auto refused = f.agent->call("jobs.cancel", {{"id", activating}});
  CHECK(refused["error"]["code"] == -32005);
  CHECK(f.wait_finished(activating)["state"] == "succeeded");
}

TEST_CASE("an agent killed during a rebuild finds the job again, the log is complete without duplicates") {
  JobsFixture f;
  auto slow = toy_system_spec("24.11.20241221.hhhhhhh (Vicuna)", "2.12.6");
  slow.build_delay_seconds = 6;
  f.store->write_configuration(f.configs, "default", slow);
  const auto id = f.start({{"kind", "rebuild"}});
  REQUIRE(wait_until([&] { return f.job(id)["log_lines"].get<int>() > 3; }, scaled(60s)));

  f.agent->ns().systemctl({"kill", "--signal=SIGKILL", SystemdAgent::unit});
  REQUIRE(wait_until([&] { return f.agent->ns().active_state(SystemdAgent::unit) != "active"; }, scaled(20s)));
  f.agent->ns().systemctl({"start", SystemdAgent::unit});
  REQUIRE(UnixSocketClient::wait_for_listener(f.agent->socket(), 20s));

  const auto job = f.wait_finished(id);
  CHECK(job["state"] == "succeeded");
  const auto lines = f.log_lines(id);
  int slow_lines = 0;
  std::set<std::string> seen;
  for (const auto& line : lines) {
    if (line.find("building slowly: second") != std::string::npos) {
      ++slow_lines;
      CHECK(seen.insert(line).second);  // each exactly once
    }
  }
  CHECK(slow_lines == 6);
  // The history survives the restart too.
  const auto list = f.agent->call("jobs.list")["result"]["jobs"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == id);
}

TEST_CASE("refusals: disk space below the limit, and a nixos-rebuild started outside nixtray") {
  SECTION("free space") {
    JobsFixture f("999999999999999");
    const auto reply = f.agent->call("jobs.start", {{"kind", "rebuild"}});
    CHECK(reply["error"]["code"] == -32005);
    CHECK(reply["error"]["data"]["required_bytes"] == 999999999999999LL);
    CHECK(reply["error"]["data"]["free_bytes"].get<std::int64_t>() < 999999999999999LL);
  }
  SECTION("an external nixos-rebuild") {
    JobsFixture f;
    // A process named nixos-rebuild inside the distro, not started by nixtray.
    const auto fake = f.store_dir.path() / "bin" / "nixos-rebuild";
    write_text(fake, "#!/bin/sh\n/bin/sleep 30\n");  // the shell stays: its argv names nixos-rebuild
    fs::permissions(fake, fs::perms::owner_all);
    ServiceSpec external;
    external.exec_start = {fake.string(), "switch"};
    f.agent->ns().start_service("external-rebuild.service", external);
    const auto reply = f.agent->call("jobs.start", {{"kind", "rebuild"}});
    CHECK(reply["error"]["code"] == -32002);
    CHECK(reply["error"]["data"]["job"].is_null());
    CHECK(reply["error"]["data"]["external"].get<std::string>().find("nixos-rebuild") != std::string::npos);
    f.agent->ns().systemctl({"stop", "external-rebuild.service"});
  }
}

TEST_CASE("log subscribers get new lines as events, and jobs.log serves any range") {
  JobsFixture f;
  auto slow = toy_system_spec("24.11.20241222.iiiiiii (Vicuna)", "2.12.7");
  slow.build_delay_seconds = 3;
  f.store->write_configuration(f.configs, "default", slow);
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  auto subscriber = f.agent->subscriber({"log:" + id});
  std::vector<std::string> from_events;
  std::int64_t next = -1;
  const auto complete = wait_for_event(
      subscriber, "log:" + id,
      [&](const json& chunk) {
        const auto from = chunk["from"].get<std::int64_t>();
        if (next < 0) next = from;  // the first event may start after 0 (latest lines only)
        if (from == next) {
          for (const auto& line : chunk["lines"]) from_events.push_back(line.get<std::string>());
          next = chunk["next"].get<std::int64_t>();
        }
        return chunk["complete"].get<bool>();
      },
      120s);
  REQUIRE(complete);
  const auto all = f.log_lines(id);
  REQUIRE(all.size() >= from_events.size());
  CHECK(std::equal(from_events.rbegin(), from_events.rend(), all.rbegin()));
  CHECK(contains(from_events, "building slowly: second 2"));
  // The raw form: pages of the log file's bytes that concatenate to exactly the file; past its
  // end, nothing more.
  std::string raw;
  std::int64_t offset = 0;
  for (int page = 0; page < 100; ++page) {
    const auto chunk = f.agent->call("jobs.log", {{"id", id}, {"from", offset}, {"format", "raw"}})["result"];
    CHECK(chunk["lines"].empty());
    raw += chunk["text"].get<std::string>();
    offset = chunk["next"].get<std::int64_t>();
    if (chunk["complete"].get<bool>()) break;
  }
  std::ifstream file(f.agent->dir() / "state" / "jobs" / id / "log", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  CHECK(raw == bytes);
  CHECK(raw.find("@nix {") != std::string::npos);
  const auto past = f.agent->call("jobs.log", {{"id", id}, {"from", offset + 1000}, {"format", "raw"}})["result"];
  CHECK(past["text"] == "");
  CHECK(past["next"] == offset + 1000);
  // The bytes form: the same slices, each one's bytes right after its response line, as they are.
  auto client = f.agent->client();
  std::string bulk;
  offset = 0;
  for (int page = 0; page < 100; ++page) {
    client.request(20 + page, "jobs.log", {{"id", id}, {"from", offset}, {"format", "bytes"}});
    const auto reply = client.response(20 + page);
    REQUIRE(reply);
    INFO(reply->dump());
    const auto& chunk = (*reply)["result"];
    CHECK_FALSE(chunk.contains("text"));
    const auto payload = client.read_bytes(chunk["bytes"].get<std::size_t>());
    REQUIRE(payload);
    CHECK(static_cast<std::int64_t>(payload->size()) == chunk["next"].get<std::int64_t>() - offset);
    bulk += *payload;
    offset = chunk["next"].get<std::int64_t>();
    if (chunk["complete"].get<bool>()) break;
  }
  CHECK(bulk == bytes);
  // Past the end: no bytes, and the next line on the connection is the next answer.
  client.request(200, "jobs.log", {{"id", id}, {"from", offset + 5}, {"format", "bytes"}});
  const auto empty = client.response(200);
  REQUIRE(empty);
  CHECK((*empty)["result"]["bytes"] == 0);
  client.request(201, "jobs.log", {{"id", "424242"}, {"format", "bytes"}});
  const auto missing = client.response(201);
  REQUIRE(missing);
  CHECK((*missing)["error"]["code"] == -32003);
  CHECK(f.agent->call("jobs.log", {{"id", id}, {"format", "json"}})["error"]["code"] == -32602);
  const auto unknown = f.agent->call("subscribe", {{"topics", {"log:424242"}}});
  CHECK(unknown["error"]["code"] == -32003);
}

TEST_CASE("the command line: rebuild follows the job to its summary and exit code, jobs, job, logs") {
  JobsFixture f;
  const auto cli = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {agent_binary().string(), "--socket", f.agent->socket().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunOptions options;
    options.timeout = std::chrono::minutes(3);
    return run_process(argv, options);
  };
  const auto ok = cli({"rebuild", "switch"});
  INFO(ok.describe());
  CHECK(ok.exit_code() == 0);
  CHECK(ok.out.find("job 1 started") != std::string::npos);
  CHECK(ok.out.find("hello-2.12.2") != std::string::npos);  // the log, as it came
  CHECK(ok.out.find("Job 1: rebuild switch") != std::string::npos);
  CHECK(ok.out.find("succeeded") != std::string::npos);

  write_text(f.configs / "default.nix", "{ x = 1; }.y\n");
  const auto failed = cli({"rebuild", "boot"});
  CHECK(failed.exit_code() == 1);
  CHECK(failed.out.find("Summary:     evaluation failed: attribute 'y' missing") != std::string::npos);

  const auto jobs = cli({"jobs"});
  CHECK(jobs.exit_code() == 0);
  CHECK(jobs.out.find("rebuild boot") != std::string::npos);
  CHECK(jobs.out.find("evaluation failed") != std::string::npos);
  const auto as_json = json::parse(cli({"job", "2", "--json"}).out);
  CHECK(as_json["failure"]["kind"] == "evaluation");
  const auto logs = cli({"logs", "2"});
  CHECK(logs.out.find("error: attribute 'y' missing") != std::string::npos);
  CHECK(cli({"logs", "99"}).exit_code() == 1);
  CHECK(cli({"rebuild", "sideways"}).exit_code() == 64);
}

TEST_CASE("a build that prints a flood of lines does not keep other clients waiting") {
  JobsFixture f;
  // 200,000 lines at once: more than the agent analyses in one step, by far (under ASan, a minute
  // of work that used to hold the event loop in one piece).
  write_text(
      f.configs / "default.nix",
      "derivation { name = \"chatty-build-1.0\"; system = builtins.currentSystem; builder = \"/bin/sh\";\n"
      "  args = [ \"-c\" \"/usr/bin/seq -f 'compiling unit %g of the chatty build' 200000; /bin/mkdir $out\" ]; }\n");
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  REQUIRE(wait_until([&] { return f.job(id)["log_lines"].get<std::int64_t>() > 0; }, scaled(60s), 50ms));
  // While the agent works through the backlog, new clients are answered (each call is a fresh
  // connection: hello, then the request, with the usual 10-second deadline).
  for (int i = 0; i < 5; ++i) {
    const auto status = f.agent->call("status");
    INFO(status.dump());
    CHECK(status.contains("result"));
    std::this_thread::sleep_for(200ms);
  }
}

namespace {

// The agent's command line against the fixture's agent, as a person runs it.
ProcessResult agent_cli(JobsFixture& f, std::vector<std::string> args) {
  std::vector<std::string> argv = {agent_binary().string(), "--socket", f.agent->socket().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions options;
  options.timeout = std::chrono::minutes(3);
  return run_process(argv, options);
}

std::set<int> generations_left(JobsFixture& f) {
  std::set<int> left;
  for (const auto& g : f.store->list_generations()) left.insert(g.number);
  return left;
}

// Makes generation n's link look `days` days old (its mtime is what "older than" measures).
void age_generation(JobsFixture& f, int n, int days) {
  const auto link = f.store->profiles_dir() / ("system-" + std::to_string(n) + "-link");
  const auto when = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch() - std::chrono::hours(24 * days))
                        .count();
  const auto touched = run_process({"/usr/bin/touch", "-h", "-d", "@" + std::to_string(when), link.string()});
  INFO(touched.describe());
  REQUIRE(touched.ok());
}

}  // namespace

TEST_CASE("the command line: a job started while another runs exits 4 and names the running job") {
  JobsFixture f;
  auto slow = toy_system_spec("24.11.20241219.fffffff (Vicuna)", "2.12.4");
  slow.build_delay_seconds = 60;
  f.store->write_configuration(f.configs, "default", slow);
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  REQUIRE(wait_until([&] { return f.job(id)["progress"]["phase"] == "building"; }, scaled(60s)));

  for (const auto& args : std::vector<std::vector<std::string>>{
           {"rebuild", "switch"}, {"rebuild", "build", "--no-follow"}, {"rollback", "--boot"}, {"gc", "--keep", "3"}}) {
    const auto busy = agent_cli(f, args);
    INFO(json(args).dump() << "\n" << busy.describe());
    CHECK(busy.exit_code() == 4);
    CHECK(busy.err.find("job " + id) != std::string::npos);
    CHECK(busy.out.find("started") == std::string::npos);
  }
  CHECK(f.agent->status()["running_job"] == id);
  REQUIRE(f.agent->call("jobs.cancel", {{"id", id}}).contains("result"));
  CHECK(f.wait_finished(id)["state"] == "cancelled");
}

TEST_CASE("the command line: rollback N --boot repoints the profile and activates nothing") {
  JobsFixture f;
  const auto two = f.store->add_generation(f.store->build_system(toy_system_spec("24.11.2 (Vicuna)", "2.12.2")));
  const auto three = f.store->add_generation(f.store->build_system(toy_system_spec("24.11.3 (Vicuna)", "2.12.3")));
  REQUIRE(three == 3);
  f.agent->wait_for_status([](const json& s) { return s["generations"]["default"] == 3; });
  const auto current_before = f.current_inside();

  const auto rollback = agent_cli(f, {"rollback", std::to_string(two), "--boot"});
  INFO(rollback.describe() << "\nagent log:\n" << f.agent->log());
  CHECK(rollback.exit_code() == 0);
  CHECK(rollback.out.find("job 1 started") != std::string::npos);
  CHECK(rollback.out.find("succeeded") != std::string::npos);

  const auto status = f.agent->wait_for_status([&](const json& s) { return s["generations"]["default"] == two; });
  CHECK(status["generations"]["default"] == two);
  CHECK(status["generations"]["current"] == 1);  // nothing activated
  CHECK(status["boot_pending"] == true);
  CHECK(f.current_inside() == current_before);
  const auto job = json::parse(agent_cli(f, {"job", "1", "--json"}).out);
  CHECK(job["kind"] == "rollback");
  CHECK(job["generation_after"] == two);
  CHECK(agent_cli(f, {"rollback", "x"}).exit_code() == 64);
}

TEST_CASE(
    "the command line: gc --keep K and --older-than DAYS never delete the default, current, booted or known-good") {
  JobsFixture f;
  for (int i = 2; i <= 6; ++i) {
    f.store->add_generation(f.store->build_system(
        toy_system_spec("24.11." + std::to_string(i) + " (Vicuna)", "2.12." + std::to_string(i))));
  }
  f.agent->wait_for_status([](const json& s) { return s["generations"]["default"] == 6; });
  // 1 is current and booted; 3 is known-good; 6 is the default.
  REQUIRE(agent_cli(f, {"mark-good", "3"}).ok());
  CHECK(agent_cli(f, {"gc"}).exit_code() == 64);
  CHECK(agent_cli(f, {"gc", "--keep", "0"}).exit_code() == 64);

  const auto keep = agent_cli(f, {"gc", "--keep", "2"});
  INFO(keep.describe() << "\nagent log:\n" << f.agent->log());
  CHECK(keep.exit_code() == 0);
  CHECK(keep.out.find("keeping generation 3") != std::string::npos);
  CHECK(keep.out.find("keeping generation 1") != std::string::npos);
  CHECK(generations_left(f) == std::set<int>{1, 3, 5, 6});

  // Everything old except 6; 7 the new default, old as well.
  const auto seven = f.store->add_generation(f.store->build_system(toy_system_spec("24.11.7 (Vicuna)", "2.12.7")));
  REQUIRE(seven == 7);
  for (const int n : {1, 3, 5, 7}) age_generation(f, n, 10);
  f.agent->wait_for_status([](const json& s) { return s["generations"]["default"] == 7; });
  const auto older = agent_cli(f, {"gc", "--older-than", "5"});
  INFO(older.describe());
  CHECK(older.exit_code() == 0);
  CHECK(older.out.find("deleted 1 generations") != std::string::npos);
  CHECK(generations_left(f) == std::set<int>{1, 3, 6, 7});
  const auto status = f.agent->wait_for_status([](const json& s) { return s["generations"]["known_good"] == 3; });
  CHECK(status["generations"]["default"] == 7);
  CHECK(status["generations"]["current"] == 1);
}

TEST_CASE("the command line: logs ID --follow prints every line and ends when the job ends") {
  JobsFixture f;
  auto slow = toy_system_spec("24.11.20241222.iiiiiii (Vicuna)", "2.12.7");
  slow.build_delay_seconds = 5;
  f.store->write_configuration(f.configs, "default", slow);
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  REQUIRE(f.job(id)["state"] == "running");

  const auto follow = agent_cli(f, {"logs", id, "--follow"});
  // It returned by itself (not by the timeout), and only once the job was over.
  INFO(follow.describe());
  CHECK_FALSE(follow.timed_out);
  CHECK(follow.exit_code() == 0);
  const auto job = f.job(id);
  CHECK(job["state"] == "succeeded");
  const auto all = f.log_lines(id);
  CHECK(static_cast<std::int64_t>(all.size()) == job["log_lines"].get<std::int64_t>());
  CHECK(lines_of(follow.out) == all);
  CHECK(contains(all, "building slowly: second 4"));

  // A finished job's log: --follow prints it whole and returns at once.
  const auto finished = agent_cli(f, {"logs", id, "-f"});
  CHECK(finished.exit_code() == 0);
  CHECK(lines_of(finished.out) == all);
}

TEST_CASE("the command line: logs ID --raw prints the log file as the job wrote it, --follow until the job ends") {
  JobsFixture f;
  auto slow = toy_system_spec("24.11.20241222.jjjjjjj (Vicuna)", "2.12.7");
  slow.build_delay_seconds = 4;
  f.store->write_configuration(f.configs, "default", slow);
  const auto id = f.start({{"kind", "rebuild"}, {"mode", "build"}});
  REQUIRE(f.job(id)["state"] == "running");

  const auto follow = agent_cli(f, {"logs", id, "--raw", "--follow"});
  INFO(follow.describe());
  CHECK_FALSE(follow.timed_out);
  CHECK(follow.exit_code() == 0);
  CHECK(f.job(id)["state"] == "succeeded");
  const auto file = read_text(f.agent->dir() / "state" / "jobs" / id / "log");
  CHECK(follow.out == file);
  CHECK(file.find("@nix {") != std::string::npos);  // Nix's own lines, for `nom --json`

  const auto whole = agent_cli(f, {"logs", id, "--raw"});
  CHECK(whole.exit_code() == 0);
  CHECK(whole.out == file);
  const auto mixed = agent_cli(f, {"logs", id, "--raw", "--from", "3"});
  CHECK(mixed.exit_code() == 64);
  CHECK(mixed.err.find("--from counts lines") != std::string::npos);
  CHECK(agent_cli(f, {"logs", "4242", "--raw"}).exit_code() == 1);
}
