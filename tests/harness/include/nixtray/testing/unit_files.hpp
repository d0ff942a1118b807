#pragma once
// Text of the systemd units the harness installs in a namespace: the minimal base (stub targets, poweroff
// chain, D-Bus, optional journald), the test units, and services built from an argv.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "nixtray/testing/environment.hpp"

namespace nixtray::testing {

// A service running a program given as argv. Paths are those seen inside the namespace, which shares the
// host's file system except /run, /dev, /sys/fs/cgroup and /var/log/journal: a host-built binary and a socket
// in a test's TempDir (under /tmp) have the same path on both sides.
struct ServiceSpec {
  std::string description = "nixtray test service";
  std::vector<std::string> exec_start;      // argv[0] must be absolute
  std::vector<std::string> exec_start_pre;  // optional
  Environment environment;
  std::string type = "simple";  // simple | exec | notify | oneshot ...
  std::string restart = "no";
  std::optional<std::filesystem::path> working_directory;
  std::optional<std::filesystem::path> log_file;  // StandardOutput/StandardError=append:<file>
  std::vector<std::string> extra_unit_lines;      // added to [Unit], e.g. "After=dbus.socket"
  std::vector<std::string> extra_service_lines;   // added to [Service], e.g. "ExecStartPost=..."
};

class UnitFiles {
 public:
  // Names of the test units.
  static constexpr const char* kOk = "nixtray-test-ok.service";      // succeeds, stays active
  static constexpr const char* kFail = "nixtray-test-fail.service";  // fails while its flag file exists
  static constexpr const char* kSlow = "nixtray-test-slow.service";  // "activating" for a few seconds

  // One ExecStart= value: every argument double-quoted, with \ " escaped and % $ doubled, so systemd passes
  // the argv unchanged (no word splitting, no specifier or variable expansion).
  static std::string exec_line(const std::vector<std::string>& argv);
  static std::string service(const ServiceSpec& spec);

  struct BaseOptions {
    std::string default_target = "nixtray-test.target";
    std::vector<std::string> wanted_units;  // pulled in by the default target at boot
    bool journald = false;
    bool persistent_journal = false;  // with journald: flush to /var/log/journal at boot (journalctl --flush)
    bool test_units = true;
    std::filesystem::path flag_dir;  // host directory of the fail-on-demand flag files
    std::chrono::seconds slow_start_delay = std::chrono::seconds(3);
  };
  // name -> text of every unit the namespace starts with.
  static std::map<std::string, std::string> base_units(const BaseOptions& options);

  // The flag file that makes nixtray-test-fail.service fail (its ExecStartPre checks it).
  static std::filesystem::path fail_flag(const std::filesystem::path& flag_dir, const std::string& unit = kFail);

  // dbus-daemon configuration: the distribution's system.conf plus policies from the private directory.
  static std::string dbus_config();
};

}  // namespace nixtray::testing
