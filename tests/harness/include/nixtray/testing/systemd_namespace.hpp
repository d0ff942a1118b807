#pragma once
// A real systemd booted as PID 1 in private PID, mount, UTS, IPC and cgroup namespaces, hermetic towards the
// host (own /run, /dev, cgroup tree and unit directory; see README.md, "Safety"). Needs root.
//
// Lifetime: the launcher (unshare) is a child of the thread that calls start(), with PR_SET_PDEATHSIG and
// --kill-child: if the test process dies, the whole namespace dies with it. The destructor always powers off
// and removes the per-run cgroups; start() removes cgroups left by crashed earlier runs.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nixtray/testing/environment.hpp"
#include "nixtray/testing/per_run_cgroups.hpp"
#include "nixtray/testing/process_runner.hpp"
#include "nixtray/testing/subprocess.hpp"
#include "nixtray/testing/temp_dir.hpp"
#include "nixtray/testing/unit_files.hpp"

namespace nixtray::testing {

struct SystemdNamespaceOptions {
  // Host directory for the namespace's files (units/, flags/, dbus/, launcher.log). Empty: a TempDir
  // owned by the namespace. Must not be under /run, /dev or /sys (those are private inside).
  std::filesystem::path work_dir;
  std::map<std::string, std::string> units;  // extra units (name -> text), installed before boot
  std::vector<std::string> wanted_units;     // started at boot by the default target
  bool test_units = true;                    // nixtray-test-ok/-fail/-slow.service (ok and fail started at boot)
  bool journald = false;                     // systemd-journald with Storage=volatile (logs stay inside)
  // A host directory (below the test's own) that is the namespace's /var/log/journal, with Storage=persistent:
  // the journal outlives the namespace, so a later boot reads the earlier ones. Implies journald.
  std::optional<std::filesystem::path> persistent_journal;
  std::string default_target = "nixtray-test.target";
  std::map<std::string, std::string> dbus_policies;  // name.conf -> busconfig XML, for services owning names
  std::string hostname = "nixtray-test";
  // Miniature distro boot: PID 1 execs this program (e.g. <profile>/system/init) instead of systemd, with the
  // systemd arguments as its arguments and SYSTEMD_UNIT_PATH, container=, NIXTRAY_HARNESS_TARGET exported.
  std::optional<std::filesystem::path> init_override;
  Environment init_environment;  // extra variables for PID 1 / the init (e.g. NIXTRAY_ACTIVATION_LOG)
  std::chrono::seconds slow_start_delay = std::chrono::seconds(3);
};

struct PowerOffReport {
  std::chrono::milliseconds duration{0};
  std::string method;  // "already-stopped", "poweroff.target", "SIGRTMIN+14", "SIGKILL"
  bool cgroups_removed = false;
};

class SystemdNamespace {
 public:
  explicit SystemdNamespace(SystemdNamespaceOptions options = {});
  ~SystemdNamespace();
  SystemdNamespace(const SystemdNamespace&) = delete;
  SystemdNamespace& operator=(const SystemdNamespace&) = delete;

  // Starts the launcher and returns once PID 1 of the namespace exists (or the namespace already ended:
  // see started_ok()). Throws if the host cannot run it (not root, no hybrid cgroup layout, unshare failed).
  void start();
  // start() + wait_settled(); throws with the launcher output and unit list if it does not settle.
  void boot(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits until `systemctl is-system-running` says running or degraded. False on timeout or if the namespace
  // ended (a generation's init that exits makes it end at once). Timeout is scaled.
  bool wait_settled(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // False once the namespace has ended (poweroff or crash) or if it never started.
  bool running();
  // For the miniature boot, after wait_settled(): false means "the distro did not start" (the namespace
  // ended before reaching running/degraded; see exit_status() and launcher_output()).
  bool started_ok();
  // Exit status of the launcher (unshare returns the exit status of PID 1), once ended.
  std::optional<ExitStatus> exit_status();
  std::string launcher_output() const;  // stdout+stderr of unshare, namespace-init.sh and the init

  pid_t pid() const { return pid1_; }  // host PID of the namespace's PID 1
  pid_t launcher_pid() const { return launcher_ ? launcher_->pid() : -1; }
  const std::filesystem::path& work_dir() const { return work_dir_; }
  std::filesystem::path flag_dir() const { return work_dir_ / "flags"; }
  // A path inside the namespace, as the host sees it: /proc/<pid>/root/<inside>.
  std::filesystem::path host_path(const std::filesystem::path& inside) const;
  // unix:path=/proc/<pid>/root/run/dbus/system_bus_socket (for DBUS_SYSTEM_BUS_ADDRESS / sd_bus_set_address).
  std::string bus_address() const;
  // unix:path=/proc/<pid>/root/run/systemd/private (systemd's direct bus; no bus daemon, no Hello()).
  // Only for clients inside the namespace's PID namespace: systemd refuses a peer whose PID it cannot see
  // (SO_PEERCRED pid 0), so from the host use bus_address(). Inside, the address is unix:path=/run/systemd/private.
  std::string private_bus_address() const;

  // nsenter -t <pid> -a <argv> (argv[0] absolute; cwd is / inside). options.env is the program's environment.
  ProcessResult run_inside(const std::vector<std::string>& argv, RunOptions options = {});
  // /bin/systemctl --no-pager <args> inside.
  ProcessResult systemctl(const std::vector<std::string>& args);
  std::string system_state();  // is-system-running output ("running", "degraded", ..., "offline")
  std::string unit_property(const std::string& unit, const std::string& property);  // systemctl show -p --value
  std::string active_state(const std::string& unit) { return unit_property(unit, "ActiveState"); }
  std::vector<std::string> failed_units();  // systemctl --failed, unit names

  // Writes the unit into the private unit directory and runs daemon-reload.
  void install_unit(const std::string& name, const std::string& text);
  void remove_unit(const std::string& name);
  // install_unit(UnitFiles::service(spec)) + systemctl start; throws if the start job fails.
  void start_service(const std::string& name, const ServiceSpec& spec);
  // Installs a D-Bus policy (busconfig XML) and reloads the bus configuration.
  void install_dbus_policy(const std::string& name, const std::string& xml);

  // Fail-on-demand: with failing=true the unit's flag file is created and the unit restarted (it fails, the
  // system becomes "degraded"); with false the flag is removed, the failure reset and the unit started again.
  void set_unit_failing(bool failing, const std::string& unit = UnitFiles::kFail);

  // Clean poweroff (poweroff.target), then SIGRTMIN+14 to PID 1, then SIGKILL, each after a scaled timeout;
  // then removes the per-run cgroups. Safe to call more than once.
  PowerOffReport poweroff();

 private:
  void write_initial_files();
  void finish_after_exit(PowerOffReport& report);
  bool pid1_still_ours();

  SystemdNamespaceOptions options_;
  std::unique_ptr<TempDir> owned_dir_;
  std::filesystem::path work_dir_;
  std::optional<Subprocess> launcher_;
  PerRunCgroups cgroups_;
  pid_t pid1_ = -1;
  bool settled_once_ = false;
  bool cleaned_up_ = false;
};

}  // namespace nixtray::testing
