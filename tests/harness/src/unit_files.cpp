#include "nixtray/testing/unit_files.hpp"

#include <sstream>
#include <stdexcept>

namespace nixtray::testing {

std::string UnitFiles::exec_line(const std::vector<std::string>& argv) {
  if (argv.empty() || argv.front().empty() || argv.front()[0] != '/')
    throw std::invalid_argument("ExecStart needs an absolute program path");
  std::string line;
  for (const auto& arg : argv) {
    if (!line.empty()) line += ' ';
    line += '"';
    for (char c : arg) {
      switch (c) {
        case '\\':
          line += "\\\\";
          break;
        case '"':
          line += "\\\"";
          break;
        case '%':
          line += "%%";
          break;
        case '$':
          line += "$$";
          break;
        case '\n':
          line += "\\n";
          break;
        default:
          line += c;
      }
    }
    line += '"';
  }
  return line;
}

std::string UnitFiles::service(const ServiceSpec& spec) {
  std::ostringstream u;
  u << "[Unit]\nDescription=" << spec.description << "\n";
  for (const auto& l : spec.extra_unit_lines) u << l << "\n";
  u << "\n[Service]\nType=" << spec.type << "\nRestart=" << spec.restart << "\n";
  if (!spec.exec_start_pre.empty()) u << "ExecStartPre=" << exec_line(spec.exec_start_pre) << "\n";
  u << "ExecStart=" << exec_line(spec.exec_start) << "\n";
  for (const auto& [name, value] : spec.environment) {
    std::string quoted = "\"" + name + "=";
    // systemd unescapes C escapes in quoted values: a raw newline would end the line.
    for (char c : value) {
      quoted += (c == '"' || c == '\\') ? std::string("\\") + c
                : c == '\n'             ? std::string("\\n")
                : c == '%'              ? std::string("%%")
                                        : std::string(1, c);
    }
    u << "Environment=" << quoted << "\"\n";
  }
  if (spec.working_directory) u << "WorkingDirectory=" << spec.working_directory->string() << "\n";
  if (spec.log_file) {
    u << "StandardOutput=append:" << spec.log_file->string() << "\n";
    u << "StandardError=append:" << spec.log_file->string() << "\n";
  }
  for (const auto& l : spec.extra_service_lines) u << l << "\n";
  return u.str();
}

std::filesystem::path UnitFiles::fail_flag(const std::filesystem::path& flag_dir, const std::string& unit) {
  return flag_dir / (unit + ".fail");
}

std::string UnitFiles::dbus_config() {
  return R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<!-- nixtray test harness: the distribution's system bus configuration plus private policies. -->
<busconfig>
  <include>/usr/share/dbus-1/system.conf</include>
  <includedir>/run/nixtray-harness/dbus/system.d</includedir>
</busconfig>
)";
}

std::map<std::string, std::string> UnitFiles::base_units(const BaseOptions& o) {
  std::map<std::string, std::string> units;

  // Stubs of the targets real units order themselves against (default dependencies, systemd-run).
  units["sysinit.target"] = "[Unit]\nDescription=System Initialization (harness stub)\nDefaultDependencies=no\n";
  units["sockets.target"] = "[Unit]\nDescription=Sockets (harness stub)\nDefaultDependencies=no\n";
  units["basic.target"] =
      "[Unit]\nDescription=Basic System (harness stub)\nDefaultDependencies=no\n"
      "Requires=sysinit.target sockets.target\nAfter=sysinit.target sockets.target\n";
  units["multi-user.target"] =
      "[Unit]\nDescription=Multi-User System (harness stub)\nRequires=basic.target\nAfter=basic.target\n";

  // The poweroff chain, as in /lib/systemd/system, for a clean `poweroff.target`.
  units["shutdown.target"] = "[Unit]\nDescription=System Shutdown\nDefaultDependencies=no\nRefuseManualStart=yes\n";
  units["umount.target"] =
      "[Unit]\nDescription=Unmount All Filesystems\nDefaultDependencies=no\nRefuseManualStart=yes\n";
  units["final.target"] =
      "[Unit]\nDescription=Late Shutdown Services\nDefaultDependencies=no\nRefuseManualStart=yes\n"
      "After=shutdown.target umount.target\n";
  units["systemd-poweroff.service"] =
      "[Unit]\nDescription=System Power Off\nDefaultDependencies=no\n"
      "Requires=shutdown.target umount.target final.target\nAfter=shutdown.target umount.target final.target\n"
      "SuccessAction=poweroff-force\n";
  units["poweroff.target"] =
      "[Unit]\nDescription=System Power Off\nDefaultDependencies=no\nRequires=systemd-poweroff.service\n"
      "After=systemd-poweroff.service\nAllowIsolate=yes\nJobTimeoutSec=30s\nJobTimeoutAction=poweroff-force\n";

  // The system bus, at /run/dbus/system_bus_socket inside (host: /proc/<pid>/root/run/dbus/...).
  units["dbus.socket"] =
      "[Unit]\nDescription=D-Bus System Message Bus Socket\n\n[Socket]\nListenStream=/run/dbus/system_bus_socket\n";
  units["dbus.service"] =
      "[Unit]\nDescription=D-Bus System Message "
      "Bus\nRequires=dbus.socket\n\n[Service]\nType=notify\nNotifyAccess=main\n"
      "ExecStart=/usr/bin/dbus-daemon --config-file=/run/nixtray-harness/dbus/system.conf --address=systemd: "
      "--nofork --nopidfile --systemd-activation --syslog-only\n"
      "ExecReload=/usr/bin/dbus-send --print-reply --system --type=method_call --dest=org.freedesktop.DBus / "
      "org.freedesktop.DBus.ReloadConfig\n";

  std::vector<std::string> wants = o.wanted_units;
  if (o.journald) {
    // Minimal journald units (the distribution's reference an audit socket we do not have). Storage=volatile is
    // forced by namespace-init.sh through /run/systemd/journald.conf.d: logs stay in the namespace's /run.
    // /dev/log has a socket unit of its own, as in the distribution: Symlinks= allows one socket per unit, and
    // PID 1 logs to the journal only once systemd-journald.socket is running.
    units["systemd-journald.socket"] =
        "[Unit]\nDescription=Journal Socket\nDefaultDependencies=no\nBefore=sockets.target\n\n[Socket]\n"
        "ListenStream=/run/systemd/journal/stdout\nListenDatagram=/run/systemd/journal/socket\n"
        "SocketMode=0666\nPassCredentials=yes\nPassSecurity=yes\nReceiveBuffer=8M\nService=systemd-journald.service\n";
    units["systemd-journald-dev-log.socket"] =
        "[Unit]\nDescription=Journal Socket (/dev/log)\nDefaultDependencies=no\nBefore=sockets.target\n\n[Socket]\n"
        "ListenDatagram=/run/systemd/journal/dev-log\nSymlinks=/dev/log\nSocketMode=0666\nPassCredentials=yes\n"
        "PassSecurity=yes\nReceiveBuffer=8M\nService=systemd-journald.service\n";
    units["systemd-journald.service"] =
        "[Unit]\nDescription=Journal Service\nDefaultDependencies=no\n"
        "Requires=systemd-journald.socket systemd-journald-dev-log.socket\n"
        "After=systemd-journald.socket systemd-journald-dev-log.socket\nBefore=sysinit.target\n\n[Service]\n"
        "Type=notify\nExecStart=/lib/systemd/systemd-journald\n"
        "Sockets=systemd-journald.socket systemd-journald-dev-log.socket\nRestart=always\nRestartSec=0\n"
        "RuntimeDirectory=systemd/"
        "journal\nRuntimeDirectoryPreserve=yes\nStandardOutput=null\nFileDescriptorStoreMax=4224\n";
    wants.insert(wants.begin(), "systemd-journald.service");
    if (o.persistent_journal) {
      // journald writes to /var/log/journal only once asked to (as the distribution's unit of this name does
      // after the file systems are up); before that, and without it, it keeps the journal in /run.
      units["systemd-journal-flush.service"] =
          "[Unit]\nDescription=Flush Journal to Persistent Storage\nDefaultDependencies=no\n"
          "Requires=systemd-journald.service\nAfter=systemd-journald.service\nBefore=sysinit.target\n\n[Service]\n"
          "Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/journalctl --flush\n";
      wants.insert(wants.begin() + 1, "systemd-journal-flush.service");
    }
  }

  if (o.test_units) {
    units[kOk] =
        "[Unit]\nDescription=nixtray test unit that stays active\n\n[Service]\nExecStart=/bin/sleep infinity\n";
    const auto flag = fail_flag(o.flag_dir).string();
    units[kFail] =
        "[Unit]\nDescription=nixtray test unit that fails while " + flag +
        " exists\n\n[Service]\n"
        "ExecStartPre=" +
        exec_line({"/bin/sh", "-c", "test ! -e \"$0\" || { echo \"failing on demand ($0)\" >&2; exit 3; }", flag}) +
        "\nExecStart=/bin/sleep infinity\n";
    units[kSlow] =
        "[Unit]\nDescription=nixtray test unit that is slow to start\n\n[Service]\nType=simple\n"
        "ExecStartPre=/bin/sleep " +
        std::to_string(o.slow_start_delay.count()) + "\nExecStart=/bin/sleep infinity\nTimeoutStartSec=infinity\n";
    wants.push_back(kOk);
    wants.push_back(kFail);
  }

  std::string target =
      "[Unit]\nDescription=nixtray test harness target\nRequires=basic.target dbus.socket\n"
      "After=basic.target dbus.socket\nAllowIsolate=yes\n";
  if (!wants.empty()) {
    target += "Wants=";
    for (size_t i = 0; i < wants.size(); ++i) target += (i ? " " : "") + wants[i];
    target += "\nAfter=";
    for (size_t i = 0; i < wants.size(); ++i) target += (i ? " " : "") + wants[i];
    target += "\n";
  }
  units[o.default_target] = target;
  return units;
}

}  // namespace nixtray::testing
