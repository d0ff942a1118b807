// Self-test of the nixtray test harness (label: integration; needs root). Each TEST_CASE owns its namespace,
// store and TempDir, so the cases can run in parallel (ctest -j). Measurements are printed as
// "[harness-measure] <what>: <ms> ms".
#include <signal.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "catch.hpp"
#include "nixtray/testing/harness_session.hpp"
#include "nixtray/testing/nix_store.hpp"
#include "nixtray/testing/per_run_cgroups.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/systemd_namespace.hpp"
#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/timeouts.hpp"
#include "nixtray/testing/unit_files.hpp"
#include "nixtray/testing/unix_socket_client.hpp"

namespace fs = std::filesystem;
using namespace nixtray::testing;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

void measure(const std::string& what, long long ms) {
  std::cout << "[harness-measure] " << what << ": " << ms << " ms" << std::endl;
}

// What an sd-bus client on the host (e.g. a tray-side test) does to reach systemd in the namespace: the
// system bus daemon through /proc/<pid>/root, in bus-client mode. Returns SystemState or the error.
// (systemd's private bus refuses host peers: see README.md, "Known limits".)
std::string system_state_over_sd_bus(const std::string& address) {
  sd_bus* bus = nullptr;
  if (sd_bus_new(&bus) < 0) return "sd_bus_new failed";
  sd_bus_error error = SD_BUS_ERROR_NULL;
  char* state = nullptr;
  int r = sd_bus_set_address(bus, address.c_str());
  if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
  if (r >= 0) r = sd_bus_start(bus);
  if (r >= 0)
    r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                                   "org.freedesktop.systemd1.Manager", "SystemState", &error, &state);
  std::string result =
      r >= 0 ? std::string(state) : "error " + std::to_string(r) + " " + (error.message ? error.message : "");
  std::free(state);
  sd_bus_error_free(&error);
  sd_bus_flush_close_unref(bus);
  return result;
}

bool process_exists(pid_t pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno != ESRCH); }

std::string read_file(const fs::path& p) {
  std::ifstream f(p);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// Checks what "poweroff leaves nothing behind" means: launcher and PID 1 gone, no per-run cgroup left.
void require_nothing_left(SystemdNamespace& ns, pid_t pid1, pid_t launcher, const PowerOffReport& report) {
  INFO("poweroff method " << report.method);
  CHECK_FALSE(ns.running());
  CHECK_FALSE(process_exists(pid1));
  CHECK_FALSE(process_exists(launcher));
  CHECK(report.cgroups_removed);
  for (const char* h : {"systemd", "unified", "pids", "cpu", "memory"}) {
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(fs::path("/sys/fs/cgroup") / h, ec)) {
      if (e.path().filename() == PerRunCgroups::kPrefix + std::to_string(launcher)) FAIL("left: " << e.path());
    }
  }
}

SystemSpec spec_with_hello(const std::string& version, const std::string& label) {
  SystemSpec s;
  s.label = label;
  s.packages = {{"hello", version, 4096}, {"coreutils", "9.5", 65536}, {"bash", "5.2p32", 8192}};
  return s;
}

}  // namespace

TEST_CASE("process runner: argv with explicit environment, exit code and timeout", "[harness]") {
  RunOptions o;
  o.env = {{"PATH", "/usr/bin:/bin"}, {"ONLY_THIS", "a b 'c'"}};
  auto r = run_process({"/bin/sh", "-c", "echo \"$ONLY_THIS\"; echo err >&2; test -z \"$HOME\"; exit 7"}, o);
  CHECK(r.exit_code() == 7);
  CHECK(r.out == "a b 'c'\n");
  CHECK(r.err == "err\n");

  o.timeout = 200ms;
  const auto t0 = Clock::now();
  auto slow = run_process({"/bin/sleep", "30"}, o);
  CHECK(slow.timed_out);
  CHECK(slow.status.signal == SIGKILL);
  CHECK(ms_since(t0) < scaled(5s).count());
}

TEST_CASE("TempDir removes read-only trees", "[harness]") {
  fs::path kept;
  {
    TempDir t("nixtray-selftest");
    kept = t.path();
    fs::create_directories(t / "a/b");
    std::ofstream(t / "a/b/file") << "x";
    fs::permissions(t / "a/b", fs::perms::owner_read | fs::perms::owner_exec);
    fs::permissions(t / "a", fs::perms::owner_read | fs::perms::owner_exec);
  }
  CHECK_FALSE(fs::exists(kept));
}

TEST_CASE("namespace boots and runs the test units and answers on its buses and powers off cleanly",
          "[harness][namespace]") {
  SystemdNamespace ns;
  const auto t0 = Clock::now();
  ns.start();
  REQUIRE(ns.wait_settled(20s));
  measure("boot to settled", ms_since(t0));
  INFO(ns.launcher_output());

  CHECK(ns.system_state() == "running");
  CHECK(ns.active_state(UnitFiles::kOk) == "active");
  CHECK(ns.active_state("dbus.socket") == "active");
  // The host's units are invisible: only ours are known.
  CHECK(ns.unit_property("ssh.service", "LoadState") == "not-found");

  // The system bus daemon from the host through /proc/<pid>/root: busctl and sd-bus.
  RunOptions bus;
  bus.env = merged(minimal_environment(), {{"DBUS_SYSTEM_BUS_ADDRESS", ns.bus_address()}});
  auto version =
      run_process({"/usr/bin/busctl", "--system", "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                   "org.freedesktop.DBus.Properties", "Get", "ss", "org.freedesktop.systemd1.Manager", "SystemState"},
                  bus);
  INFO(version.describe());
  CHECK(version.out == "v s \"running\"\n");
  CHECK(system_state_over_sd_bus(ns.bus_address()) == "running");
  CHECK(fs::exists(ns.host_path("/run/systemd/private")));

  // systemd-run works inside and passes exit codes through (jobs as transient units).
  auto job =
      ns.run_inside({"/bin/systemd-run", "--wait", "--quiet", "--unit=nixtray-job-1", "/bin/sh", "-c", "exit 3"});
  CHECK(job.exit_code() == 3);
  ns.systemctl({"reset-failed", "nixtray-job-1.service"});

  // The slow unit is "activating" while its ExecStartPre sleeps.
  ns.systemctl({"start", "--no-block", UnitFiles::kSlow});
  CHECK(wait_until([&] { return ns.active_state(UnitFiles::kSlow) == "activating"; }, scaled(5s)));

  const pid_t pid1 = ns.pid(), launcher = ns.launcher_pid();
  const auto report = ns.poweroff();
  measure("poweroff (" + report.method + ")", report.duration.count());
  CHECK(report.method == "poweroff.target");
  require_nothing_left(ns, pid1, launcher, report);
}

TEST_CASE("fail on demand makes the system degraded and recovery returns it to running", "[harness][namespace]") {
  SystemdNamespace ns;
  ns.boot();
  REQUIRE(ns.system_state() == "running");

  ns.set_unit_failing(true);
  CHECK(ns.active_state(UnitFiles::kFail) == "failed");
  CHECK(ns.system_state() == "degraded");
  const auto failed = ns.failed_units();
  CHECK(std::find(failed.begin(), failed.end(), UnitFiles::kFail) != failed.end());

  ns.set_unit_failing(false);
  CHECK(ns.active_state(UnitFiles::kFail) == "active");
  CHECK(ns.system_state() == "running");
  CHECK(ns.failed_units().empty());
}

TEST_CASE("a service inside is reachable from the host over a Unix socket in the TempDir", "[harness][namespace]") {
  TempDir tmp("nixtray-sock");
  SystemdNamespace ns;
  ns.boot();
  const fs::path socket = tmp / "echo.sock";
  ServiceSpec echo;
  echo.description = "socket server for the self-test";
  echo.exec_start = {"/usr/bin/python3", "-c",
                     "import os, socket, sys\n"
                     "path = sys.argv[1]\n"
                     "s = socket.socket(socket.AF_UNIX)\n"
                     "s.bind(path)\n"
                     "s.listen()\n"
                     "while True:\n"
                     "    c, _ = s.accept()\n"
                     "    try:\n"  // probes connect and hang up at once
                     "        data = c.recv(100)\n"
                     "        c.sendall(b'pong from pid ' + str(os.getpid()).encode() + b': ' + data)\n"
                     "    except OSError:\n"
                     "        pass\n"
                     "    c.close()\n",
                     socket.string()};
  echo.log_file = tmp / "echo.log";
  ns.start_service("nixtray-test-echo.service", echo);
  REQUIRE(UnixSocketClient::wait_for_listener(socket, 10s));
  const auto reply = UnixSocketClient::exchange(socket, "ping");
  REQUIRE(reply.has_value());
  INFO(*reply);
  CHECK(reply->rfind("pong from pid ", 0) == 0);
  CHECK(reply->find(": ping") != std::string::npos);
  // The server runs inside: its PID there is small, not the host PID of any of our processes.
  CHECK(ns.active_state("nixtray-test-echo.service") == "active");

  // A bus policy for a service that owns a name (the agent will need one), installed at run time.
  ns.install_dbus_policy("org.nixtray.Test.conf",
                         "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
                         " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                         "<busconfig><policy user=\"root\"><allow own=\"org.nixtray.Test\"/></policy></busconfig>\n");
  CHECK(fs::exists(ns.host_path("/run/nixtray-harness/dbus/system.d/org.nixtray.Test.conf")));

  // A plain program as a service too (what the agent's unit looks like).
  ServiceSpec sleeper;
  sleeper.exec_start = {"/usr/bin/env", "sleep", "infinity"};
  ns.start_service("nixtray-test-sleeper.service", sleeper);
  CHECK(ns.active_state("nixtray-test-sleeper.service") == "active");
}

TEST_CASE("journald option keeps unit logs inside the namespace", "[harness][namespace]") {
  const auto journal_before = run_process({"/bin/ls", "-la", "/var/log/journal"}).out;
  SystemdNamespaceOptions o;
  o.journald = true;
  SystemdNamespace ns(o);
  ns.boot();
  ServiceSpec hello;
  hello.type = "oneshot";
  hello.exec_start = {"/bin/echo", "hello from inside"};
  ns.start_service("nixtray-test-hello.service", hello);
  auto log = ns.run_inside({"/bin/journalctl", "--no-pager", "-o", "cat", "-u", "nixtray-test-hello.service"});
  INFO(log.describe());
  CHECK(log.out.find("hello from inside") != std::string::npos);
  CHECK(fs::exists(ns.host_path("/run/log/journal")));
  ns.poweroff();
  CHECK(run_process({"/bin/ls", "-la", "/var/log/journal"}).out == journal_before);
}

TEST_CASE("a persistent journal outlives the namespace in the test's directory, PID 1's messages included",
          "[harness][namespace]") {
  const auto journal_before = run_process({"/bin/ls", "-la", "/var/log/journal"}).out;
  TempDir tmp("nixtray-journal");
  const auto journal = tmp / "journal";
  for (const char* boot : {"first", "second"}) {
    SystemdNamespaceOptions o;
    o.persistent_journal = journal;
    SystemdNamespace ns(o);
    ns.boot();
    auto logged =
        ns.run_inside({"/usr/bin/logger", "-p", "user.err", "-t", "nixtray-test", std::string(boot) + " boot"});
    INFO(logged.describe());
    CHECK(logged.ok());  // /dev/log exists
    ns.poweroff();
  }
  // Read from the host: both boots, each begun by its journald, and systemd's own messages.
  const auto text = run_process({"/bin/journalctl", "--directory", journal.string(), "--no-pager", "-o", "short"});
  INFO(text.describe());
  CHECK(text.out.find("nixtray-test[") != std::string::npos);
  CHECK(text.out.find("first boot") != std::string::npos);
  CHECK(text.out.find("second boot") != std::string::npos);
  CHECK(text.out.find("systemd[1]:") != std::string::npos);
  const auto starts = run_process({"/bin/journalctl", "--directory", journal.string(), "--no-pager",
                                   "MESSAGE_ID=f77379a8490b408bbe5f6940505a777b"});
  std::size_t count = 0;
  for (auto at = starts.out.find("Journal started"); at != std::string::npos;
       at = starts.out.find("Journal started", at + 1))
    ++count;
  CHECK(count == 2);
  CHECK(run_process({"/bin/ls", "-la", "/var/log/journal"}).out == journal_before);
}

TEST_CASE("generations: real builds with profile links and a closure diff", "[harness][nix]") {
  TempDir tmp("nixtray-nix");
  NixStore store(tmp.path());

  SystemSpec spec1 = spec_with_hello("2.12.1", "24.11.20241231.abcdef (Vicuna)");
  spec1.configuration_revision = "0123abcd";
  spec1.wsl_conf = "[boot]\nsystemd=true\n";
  spec1.agent_path = "/usr/bin/true";
  spec1.extra_bin_files["nixos-rebuild"] = "#!/bin/sh\necho fake rebuild \"$@\"\n";
  auto t0 = Clock::now();
  const auto gen1 = store.build_system(spec1);
  measure("build_system (first, 4 derivations)", ms_since(t0));
  t0 = Clock::now();
  const auto gen2 = store.build_system(spec_with_hello("2.12.2", "24.11.20250105.fedcba (Vicuna)"));
  measure("build_system (second, 2 new derivations)", ms_since(t0));

  CHECK(read_file(gen1 / "nixos-version") == "24.11.20241231.abcdef (Vicuna)");
  CHECK(gen1.filename().string().find("-nixos-system-nixos-24.11.20241231.abcdef") != std::string::npos);
  for (const char* p : {"init", "activate", "bin/switch-to-configuration", "sw/bin/sh", "sw/bin/hello",
                        "systemd/lib/systemd/systemd", "nixos-version"})
    CHECK(fs::exists(gen1 / p));

  CHECK(read_file(gen1 / "configuration-revision") == "0123abcd");
  CHECK(read_file(gen1 / "etc/wsl.conf") == "[boot]\nsystemd=true\n");
  CHECK(fs::read_symlink(gen1 / "sw/bin/nixtray-agent") == "/usr/bin/true");
  CHECK(run_process({(gen1 / "sw/bin/nixos-rebuild").string(), "switch"}).out == "fake rebuild switch\n");
  CHECK(run_process({(gen1 / "sw/bin/nixos-version").string(), "--json"}).out ==
        "{\"nixosVersion\":\"24.11.20241231.abcdef (Vicuna)\",\"configurationRevision\":\"0123abcd\"}\n");
  CHECK(run_process({(gen1 / "sw/bin/hello").string()}).out == "hello 2.12.1\n");
  CHECK(fs::canonical(gen1 / "systemd/lib/systemd/systemd") == fs::canonical("/lib/systemd/systemd"));

  t0 = Clock::now();
  CHECK(store.add_generation(gen1) == 1);
  measure("add_generation (nix-env --set)", ms_since(t0));
  CHECK(store.add_generation(gen2) == 2);

  auto listed = store.nix({"nix-env", "-p", store.system_profile().string(), "--list-generations"});
  INFO(listed.describe());
  CHECK(listed.out.find("   1   ") != std::string::npos);
  CHECK(listed.out.find("   2   ") != std::string::npos);
  CHECK(listed.out.find("(current)") != std::string::npos);
  CHECK(fs::read_symlink(store.system_profile()) == "system-2-link");
  CHECK(fs::canonical(store.system_profile()) == gen2);

  const auto gens = store.list_generations();
  REQUIRE(gens.size() == 2);
  CHECK(gens[1].current);
  CHECK(gens[0].store_path == gen1);

  const auto diff = store.diff_closures(gen1, gen2);
  INFO(diff);
  CHECK(diff.find("hello: 2.12.1 \u2192 2.12.2") != std::string::npos);

  // Both generations are GC roots through the profile.
  auto gc = store.nix({"nix-collect-garbage"});
  CHECK(gc.ok());
  CHECK(fs::exists(gen1 / "sw/bin/hello"));

  store.switch_generation(1);
  CHECK(store.current_generation() == 1);

  // switch-to-configuration and the activation report.
  SystemSpec failing = spec_with_hello("2.12.2", "24.11.20250110.bad (Vicuna)");
  failing.activation_errors = {"Activation script snippet 'users' failed (1)"};
  failing.switch_exit_status = 4;
  failing.switch_message = "warning: the following units failed: nixtray-test-fail.service";
  const auto bad = store.build_system(failing);
  RunOptions act;
  act.env = merged(minimal_environment(), {{"NIXTRAY_ACTIVATION_LOG", (tmp / "activation.log").string()},
                                           {"NIXTRAY_RUN_DIR", tmp.path().string()},
                                           {"NIXTRAY_SWITCH_LOG", (tmp / "switch.log").string()}});
  auto sw = run_process({(bad / "bin/switch-to-configuration").string(), "switch"}, act);
  CHECK(sw.exit_code() == 4);
  CHECK(sw.err.find("units failed") != std::string::npos);
  const auto report = read_file(tmp / "activation.log");
  INFO(report);
  CHECK(report.find("<3>nixos-activation: Activation script snippet 'users' failed (1)\n") != std::string::npos);
  CHECK(report.find("<6>nixos-activation: ") != std::string::npos);
  CHECK(read_file(tmp / "switch.log") == "switch " + bad.string() + "\n");
  CHECK(fs::read_symlink(tmp / "current-system") == bad);
  CHECK(run_process({(bad / "bin/switch-to-configuration").string(), "bogus"}, act).exit_code() == 1);
}

TEST_CASE("build_many makes 1000 generations", "[harness][nix]") {
  // On tmpfs: a thousand generations are ~25k files, and this machine's disk makes that 3-5x slower.
  TempDir tmp("nixtray-many", TempDir::fast_base());
  NixStore store(tmp.path());
  store.add_generation(store.build_system(spec_with_hello("2.12.1", "24.05.20240101.aaaaaa (Uakari)")));

  // Reference: what registering with nix-env costs per generation.
  const auto extra = store.build_systems({spec_with_hello("2.12.1", "24.05.1"), spec_with_hello("2.12.1", "24.05.2"),
                                          spec_with_hello("2.12.1", "24.05.3"), spec_with_hello("2.12.1", "24.05.4"),
                                          spec_with_hello("2.12.1", "24.05.5")});
  auto t0 = Clock::now();
  for (const auto& p : extra) store.add_generation(p);
  measure("nix-env --set, per generation (mean of 5)", ms_since(t0) / 5);

  t0 = Clock::now();
  const auto numbers = store.build_many(1000, spec_with_hello("2.12.2", "24.11.20241231.abcdef (Vicuna)"));
  measure("build_many(1000)", ms_since(t0));
  REQUIRE(numbers.size() == 1000);
  CHECK(numbers.front() == 7);
  CHECK(numbers.back() == 1006);
  CHECK(store.current_generation() == 1006);

  t0 = Clock::now();
  auto listed = store.nix({"nix-env", "-p", store.system_profile().string(), "--list-generations"});
  measure("nix-env --list-generations over 1006", ms_since(t0));
  REQUIRE(listed.ok());
  std::istringstream lines(listed.out);
  int count = 0;
  for (std::string l; std::getline(lines, l);) ++count;
  CHECK(count == 1006);
  CHECK(listed.out.find("1006   ") != std::string::npos);

  // nix-env accepts the directly created links as its own.
  store.switch_generation(500);
  CHECK(store.current_generation() == 500);
  auto gc = store.nix({"nix-store", "--gc", "--print-roots"});
  CHECK(gc.out.find("system-1006-link") != std::string::npos);
}

TEST_CASE("miniature distro boot: a good generation boots and a broken one does not start",
          "[harness][namespace][nix]") {
  TempDir tmp("nixtray-boot");
  NixStore store(tmp / "nix");
  SystemSpec good_spec = spec_with_hello("2.12.1", "24.11.20241231.good (Vicuna)");
  good_spec.activation_errors = {"Activation script snippet 'etc' failed (1)"};  // still boots, as NixOS does
  good_spec.units["nixtray-gen-broken.service"] = "[Service]\nType=oneshot\nExecStart=/bin/false\n";
  SystemSpec bad_spec = spec_with_hello("2.12.2", "24.11.20250101.bad (Vicuna)");
  bad_spec.init_exit_status = 1;
  SystemSpec no_systemd_spec = spec_with_hello("2.12.2", "24.11.20250102.nosystemd (Vicuna)");
  no_systemd_spec.systemd = SystemSpec::Systemd::Broken;
  const auto built = store.build_systems({good_spec, bad_spec, no_systemd_spec});
  store.add_generation(built[0]);
  store.add_generation(built[1]);
  store.add_generation(built[2]);

  const fs::path activation_log = tmp / "activation.log";
  auto boot_generation = [&](int n) {
    store.switch_generation(n);
    SystemdNamespaceOptions o;
    o.init_override = store.system_profile() / "init";
    o.init_environment = {{"NIXTRAY_ACTIVATION_LOG", activation_log.string()}};
    return std::make_unique<SystemdNamespace>(o);
  };

  SECTION("good generation: activation errors reported, booted-system set, its failing unit degrades") {
    auto ns = boot_generation(1);
    const auto t0 = Clock::now();
    ns->start();
    REQUIRE(ns->wait_settled(20s));
    measure("miniature boot to settled", ms_since(t0));
    CHECK(ns->started_ok());
    CHECK(fs::read_symlink(ns->host_path("/run/booted-system")) == built[0]);
    CHECK(fs::read_symlink(ns->host_path("/run/current-system")) == built[0]);
    CHECK(read_file(activation_log).find("<3>nixos-activation: Activation script snippet 'etc' failed (1)") !=
          std::string::npos);
    CHECK(wait_until([&] { return ns->system_state() == "degraded"; }, scaled(5s)));
    const auto failed = ns->failed_units();
    CHECK(std::find(failed.begin(), failed.end(), "nixtray-gen-broken.service") != failed.end());
    const pid_t pid1 = ns->pid(), launcher = ns->launcher_pid();
    const auto report = ns->poweroff();
    require_nothing_left(*ns, pid1, launcher, report);
  }
  SECTION("init exits 1: the namespace ends at once and the harness says so") {
    auto ns = boot_generation(2);
    const pid_t launcher = [&] {
      ns->start();
      return ns->launcher_pid();
    }();
    CHECK_FALSE(ns->wait_settled(10s));
    CHECK_FALSE(ns->started_ok());
    REQUIRE(ns->exit_status().has_value());
    CHECK(ns->exit_status()->as_int() == 1);
    CHECK(ns->launcher_output().find("init: failed to start the generation") != std::string::npos);
    const auto report = ns->poweroff();
    require_nothing_left(*ns, -1, launcher, report);
  }
  SECTION("broken systemd link: exec fails, the distro does not start") {
    auto ns = boot_generation(3);
    ns->start();
    CHECK_FALSE(ns->wait_settled(10s));
    CHECK_FALSE(ns->started_ok());
    REQUIRE(ns->exit_status().has_value());
    CHECK(ns->exit_status()->as_int() != 0);
    INFO(ns->launcher_output());
    CHECK(ns->launcher_output().find("systemd") != std::string::npos);
  }
}

TEST_CASE("nixtray-harness run exports the namespace and returns the command's exit code", "[harness][cli]") {
  TempDir tmp("nixtray-cli");
  RunOptions o;
  o.timeout = 60s;
  auto r = run_process({NIXTRAY_HARNESS_CLI, "run", "--dir", (tmp / "h").string(), "--", "/bin/sh", "-c",
                        "set -e; test -n \"$NIXTRAY_HARNESS_PID\"; test -n \"$NIX_STORE_DIR\";"
                        "nsenter -t \"$NIXTRAY_HARNESS_PID\" -a /bin/systemctl is-system-running;"
                        "echo \"$NIXTRAY_HARNESS_BUS\"; exit 42"},
                       o);
  INFO(r.describe());
  CHECK(r.exit_code() == 42);
  CHECK(r.out.find("running\n") != std::string::npos);
  CHECK(r.out.find("unix:path=/proc/") != std::string::npos);
}

TEST_CASE("a crashed test leaves nothing running and its stale cgroups are removed by the next run", "[harness][cli]") {
  TempDir tmp("nixtray-crash");
  SpawnOptions spawn;
  spawn.stdout_to = Redirect::append_to(tmp / "cli.log");
  spawn.stderr_to = Redirect::append_to(tmp / "cli.log");
  auto cli = Subprocess::spawn(
      {NIXTRAY_HARNESS_CLI, "run", "--dir", (tmp / "h").string(), "--", "/bin/sh", "-c",
       "echo $NIXTRAY_HARNESS_LAUNCHER_PID $NIXTRAY_HARNESS_PID > \"$0\"; exec sleep 600", (tmp / "pids").string()},
      spawn);
  REQUIRE(wait_until([&] { return !read_file(tmp / "pids").empty(); }, scaled(30s)));
  pid_t launcher = 0, pid1 = 0;
  std::istringstream(read_file(tmp / "pids")) >> launcher >> pid1;
  REQUIRE(process_exists(pid1));

  cli.kill_and_wait();  // the "test process" crashes
  // PDEATHSIG kills the launcher, --kill-child kills PID 1, and with it the whole PID namespace.
  CHECK(wait_until([&] { return !process_exists(pid1) && !process_exists(launcher); }, scaled(5s)));
  const auto stale = fs::path("/sys/fs/cgroup/systemd") / (PerRunCgroups::kPrefix + std::to_string(launcher));
  CHECK(wait_until(
      [&] {
        PerRunCgroups::remove_stale();
        return !fs::exists(stale);
      },
      scaled(5s)));
}
