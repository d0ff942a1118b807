#include "nixtray/testing/systemd_namespace.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "nixtray/testing/embedded_files.hpp"
#include "nixtray/testing/timeouts.hpp"

namespace nixtray::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
namespace {

constexpr const char* kPrivateDir = "/run/nixtray-harness";

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.flush();
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// The first child of the launcher (unshare --fork) is PID 1 of the namespace.
// /proc/PID/task/PID/children is "pid pid ... " with a trailing space.
pid_t first_child(pid_t parent) {
  std::istringstream in(read_file("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children"));
  pid_t child = -1;
  if (in >> child) return child;
  return -1;
}

}  // namespace

SystemdNamespace::SystemdNamespace(SystemdNamespaceOptions options) : options_(std::move(options)) {
  if (options_.work_dir.empty()) {
    owned_dir_ = std::make_unique<TempDir>("nixtray-ns");
    work_dir_ = owned_dir_->path();
  } else {
    work_dir_ = fs::absolute(options_.work_dir);
    fs::create_directories(work_dir_);
  }
}

SystemdNamespace::~SystemdNamespace() {
  try {
    poweroff();
  } catch (...) {
    // Last resort; the Subprocess destructor still SIGKILLs the launcher (and with it the namespace).
  }
}

void SystemdNamespace::write_initial_files() {
  for (const char* d : {"units", "flags", "dbus", "dbus/system.d"}) fs::create_directories(work_dir_ / d);
  UnitFiles::BaseOptions base;
  base.default_target = options_.default_target;
  base.wanted_units = options_.wanted_units;
  base.journald = options_.journald || options_.persistent_journal.has_value();
  base.persistent_journal = options_.persistent_journal.has_value();
  base.test_units = options_.test_units;
  base.flag_dir = flag_dir();
  base.slow_start_delay = options_.slow_start_delay;
  auto units = UnitFiles::base_units(base);
  for (const auto& [name, text] : options_.units) units[name] = text;
  for (const auto& [name, text] : units) write_file(work_dir_ / "units" / name, text);
  write_file(work_dir_ / "dbus" / "system.conf", UnitFiles::dbus_config());
  for (const auto& [name, xml] : options_.dbus_policies) write_file(work_dir_ / "dbus" / "system.d" / name, xml);
  write_file(work_dir_ / "namespace-init.sh", std::string(embedded::namespace_init_script()));
  write_file(work_dir_ / "launcher.log", "");
}

void SystemdNamespace::start() {
  if (launcher_) throw std::logic_error("SystemdNamespace::start called twice");
  if (::geteuid() != 0) throw std::runtime_error("SystemdNamespace needs root (namespaces, cgroups, mounts)");
  // Only the hybrid layout (v1 name=systemd + cgroup2) has been checked to leave the host untouched; a pure
  // cgroup2 host would need a different namespace-init.sh. Refuse rather than risk the host.
  if (!PerRunCgroups::host_is_hybrid())
    throw std::runtime_error(
        "SystemdNamespace: host has no hybrid cgroup layout (name=systemd + cgroup2); not supported");
  for (const auto& p : {"/usr/bin/unshare", "/lib/systemd/systemd", "/usr/bin/nsenter"})
    if (::access(p, X_OK) != 0) throw std::runtime_error(std::string("SystemdNamespace: missing ") + p);

  PerRunCgroups::remove_stale();
  write_initial_files();

  SpawnOptions spawn;
  spawn.env = merged(minimal_environment(), options_.init_environment);
  spawn.env["NIXTRAY_HARNESS_WORK"] = work_dir_.string();
  spawn.env["NIXTRAY_HARNESS_TARGET"] = options_.default_target;
  spawn.env["NIXTRAY_HARNESS_HOSTNAME"] = options_.hostname;
  if (options_.init_override) spawn.env["NIXTRAY_HARNESS_INIT"] = options_.init_override->string();
  if (options_.persistent_journal) {
    fs::create_directories(*options_.persistent_journal);
    spawn.env["NIXTRAY_HARNESS_JOURNAL_DIR"] = fs::absolute(*options_.persistent_journal).string();
  }
  spawn.stdin_from = Redirect::null();
  spawn.stdout_to = Redirect::append_to(work_dir_ / "launcher.log");
  spawn.stderr_to = Redirect::append_to(work_dir_ / "launcher.log");
  spawn.new_session = true;          // no terminal signals from the test's session
  spawn.die_with_parent = true;      // test process dies -> launcher dies -> (--kill-child) namespace dies
  spawn.hold_until_released = true;  // moved into the per-run cgroups before unshare runs
  launcher_ = Subprocess::spawn({"/usr/bin/unshare", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc",
                                 "--uts", "--ipc", "--cgroup", "/bin/sh", (work_dir_ / "namespace-init.sh").string()},
                                spawn);
  try {
    cgroups_ = PerRunCgroups::create_for(launcher_->pid());
  } catch (...) {
    launcher_->kill_and_wait();
    throw;
  }
  launcher_->release();

  const bool found = wait_until(
      [&] {
        pid1_ = first_child(launcher_->pid());
        return pid1_ > 0 || !launcher_->running();
      },
      scaled(10s), 2ms);
  if (!found) {
    poweroff();
    throw std::runtime_error("SystemdNamespace: PID 1 did not appear; launcher output:\n" + launcher_output());
  }
}

void SystemdNamespace::boot(std::chrono::milliseconds timeout) {
  start();
  if (wait_settled(timeout)) return;
  std::string why;
  if (const auto status = exit_status())
    why = "the namespace ended during boot (" + status->describe() + ")";
  else
    why = "not settled after " + std::to_string(scaled(timeout).count()) + " ms (state " + system_state() +
          ")\n--- units ---\n" + systemctl({"list-units", "--all", "--plain", "--type=service,socket,target"}).out;
  throw std::runtime_error("SystemdNamespace did not boot: " + why + "\n--- launcher output ---\n" + launcher_output());
}

bool SystemdNamespace::running() { return launcher_ && launcher_->running(); }

bool SystemdNamespace::started_ok() { return running() || settled_once_; }

std::optional<ExitStatus> SystemdNamespace::exit_status() { return launcher_ ? launcher_->try_wait() : std::nullopt; }

std::string SystemdNamespace::launcher_output() const { return read_file(work_dir_ / "launcher.log"); }

fs::path SystemdNamespace::host_path(const fs::path& inside) const {
  return fs::path("/proc") / std::to_string(pid1_) / "root" / inside.relative_path();
}

std::string SystemdNamespace::bus_address() const {
  return "unix:path=" + host_path("/run/dbus/system_bus_socket").string();
}

std::string SystemdNamespace::private_bus_address() const {
  return "unix:path=" + host_path("/run/systemd/private").string();
}

bool SystemdNamespace::wait_settled(std::chrono::milliseconds timeout) {
  return wait_until(
             [&] {
               if (!running()) return true;
               const auto state = system_state();
               if (state == "running" || state == "degraded") settled_once_ = true;
               return settled_once_;
             },
             scaled(timeout), 10ms) &&
         settled_once_ && running();
}

ProcessResult SystemdNamespace::run_inside(const std::vector<std::string>& argv, RunOptions options) {
  if (pid1_ <= 0) throw std::logic_error("SystemdNamespace::run_inside before start()");
  std::vector<std::string> full = {"/usr/bin/nsenter", "-t", std::to_string(pid1_), "-a", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  return run_process(full, options);
}

ProcessResult SystemdNamespace::systemctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/bin/systemctl", "--no-pager", "--no-legend"};
  argv.insert(argv.end(), args.begin(), args.end());
  RunOptions o;
  o.timeout = 30s;
  return run_inside(argv, o);
}

std::string SystemdNamespace::system_state() {
  if (!running()) return "offline";
  const auto out = trim_right(systemctl({"is-system-running"}).out);
  return out.empty() ? "offline" : out;
}

std::string SystemdNamespace::unit_property(const std::string& unit, const std::string& property) {
  return trim_right(systemctl({"show", "-p", property, "--value", unit}).out);
}

std::vector<std::string> SystemdNamespace::failed_units() {
  std::vector<std::string> units;
  std::istringstream in(systemctl({"list-units", "--failed", "--plain"}).out);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string unit;
    if (words >> unit) units.push_back(unit);
  }
  return units;
}

void SystemdNamespace::install_unit(const std::string& name, const std::string& text) {
  write_file(work_dir_ / "units" / name, text);  // host copy, for reading after a failure
  if (running()) {
    write_file(host_path(fs::path(kPrivateDir) / "units" / name), text);
    auto r = systemctl({"daemon-reload"});
    if (!r.ok()) throw std::runtime_error("daemon-reload failed: " + r.describe());
  }
}

void SystemdNamespace::remove_unit(const std::string& name) {
  fs::remove(work_dir_ / "units" / name);
  if (running()) {
    fs::remove(host_path(fs::path(kPrivateDir) / "units" / name));
    systemctl({"daemon-reload"});
  }
}

void SystemdNamespace::start_service(const std::string& name, const ServiceSpec& spec) {
  install_unit(name, UnitFiles::service(spec));
  auto r = systemctl({"start", name});
  if (!r.ok())
    throw std::runtime_error("starting " + name + " failed: " + r.describe() + "\n" +
                             systemctl({"status", "--lines=20", name}).out);
}

void SystemdNamespace::install_dbus_policy(const std::string& name, const std::string& xml) {
  write_file(work_dir_ / "dbus" / "system.d" / name, xml);
  if (running()) {
    write_file(host_path(fs::path(kPrivateDir) / "dbus" / "system.d" / name), xml);
    // dbus.service is socket-activated: if it is not running yet it reads the policy when it starts.
    if (active_state("dbus.service") == "active") {
      auto r = systemctl({"reload", "dbus.service"});
      if (!r.ok()) throw std::runtime_error("reloading the bus configuration failed: " + r.describe());
    }
  }
}

void SystemdNamespace::set_unit_failing(bool failing, const std::string& unit) {
  const auto flag = UnitFiles::fail_flag(flag_dir(), unit);
  if (failing) {
    write_file(flag, "fail\n");
    systemctl({"restart", unit});  // expected to fail
    wait_until([&] { return active_state(unit) == "failed"; }, scaled(10s));
  } else {
    fs::remove(flag);
    systemctl({"reset-failed", unit});
    systemctl({"start", unit});
  }
}

PowerOffReport SystemdNamespace::poweroff() {
  PowerOffReport report;
  const auto t0 = std::chrono::steady_clock::now();
  if (!launcher_ || cleaned_up_) {
    report.method = "already-stopped";
    report.cgroups_removed = cgroups_.directories().empty();
    return report;
  }
  if (!running()) {
    report.method = "already-stopped";
  } else {
    // 1. Orderly: what `systemctl poweroff` does without logind.
    report.method = "poweroff.target";
    if (pid1_ > 0) systemctl({"start", "poweroff.target", "--job-mode=replace-irreversibly", "--no-block"});
    if (!launcher_->wait_for(scaled(10s))) {
      // 2. systemd's own "poweroff now" signal.
      report.method = "SIGRTMIN+14";
      if (pid1_still_ours()) ::kill(pid1_, SIGRTMIN + 14);
      if (!launcher_->wait_for(scaled(5s))) {
        // 3. Kill PID 1 (the kernel then kills the whole PID namespace) and the launcher.
        report.method = "SIGKILL";
        if (pid1_still_ours()) ::kill(pid1_, SIGKILL);
        launcher_->kill_and_wait();
      }
    }
  }
  finish_after_exit(report);
  report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  return report;
}

bool SystemdNamespace::pid1_still_ours() {
  // A PID is only signalled while it is still the launcher's child (never a recycled PID).
  return pid1_ > 0 && running() && first_child(launcher_->pid()) == pid1_;
}

void SystemdNamespace::finish_after_exit(PowerOffReport& report) {
  launcher_->wait();
  report.cgroups_removed = cgroups_.remove(scaled(5s));
  cleaned_up_ = true;
}

}  // namespace nixtray::testing
