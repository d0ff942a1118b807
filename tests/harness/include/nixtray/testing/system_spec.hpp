#pragma once
// What a toy NixOS generation built by NixStore::build_system contains. See README.md, "Generation layout".
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::testing {

// A small real store path named "<name>-<version>" (e.g. hello-2.12.1) with bin/<name> and a payload of
// payload_bytes, referenced by the generation so closure diffs show "hello: 2.12.1 → 2.12.2".
struct PackageSpec {
  std::string name;
  std::string version;
  std::uint64_t payload_bytes = 1024;
};

struct SystemSpec {
  // Content of <gen>/nixos-version and output of sw/bin/nixos-version. The store name uses the part before the
  // first space ("nixos-system-<hostname>-24.11.20241231.abcdef").
  std::string label = "24.11.20241231.abcdef (Vicuna)";
  std::string hostname = "nixos";
  std::optional<std::string> configuration_revision;  // <gen>/configuration-revision when set
  std::vector<PackageSpec> packages = {{"hello", "2.12.1", 4096}, {"coreutils", "9.5", 16384}};

  // init: runs activate (status ignored), links /run/booted-system, execs systemd/lib/systemd/systemd "$@".
  bool has_init = true;
  int init_exit_status = 0;  // != 0: init prints a message to stderr and exits with it ("does not boot")

  // activate: links /run/current-system; each error is reported as "<3>nixos-activation: <text>" and makes it
  // exit 1 (see NIXTRAY_ACTIVATION_LOG in README.md).
  bool has_activate = true;
  std::vector<std::string> activation_errors;

  // bin/switch-to-configuration switch|boot|test|dry-activate.
  bool has_switch_to_configuration = true;
  int switch_exit_status = 0;    // e.g. 4: "some units failed", as NixOS does
  std::string switch_message;    // printed to stderr by switch-to-configuration when not empty
  int switch_delay_seconds = 0;  // switch-to-configuration takes this long (a slow activation)
  int build_delay_seconds = 0;   // building the generation takes this long, printing a line a second

  bool has_shell = true;  // sw/bin/sh -> /bin/sh
  enum class Systemd { Link, Missing, Broken };
  Systemd systemd = Systemd::Link;  // systemd/lib/systemd/systemd -> /lib/systemd/systemd, absent, or dangling

  std::optional<std::string> wsl_conf;                 // etc/wsl.conf
  std::map<std::string, std::string> etc_files;        // etc/<name> (mode 444), e.g. passwd, profile
  std::map<std::string, std::string> extra_bin_files;  // sw/bin/<name> (mode 555) -> content
  // Units this generation "contains": etc/systemd/system/<name>, plus nixtray-generation.target wanting them
  // all. The generation's init installs them into the namespace's unit directory before systemd starts.
  std::map<std::string, std::string> units;
  // sw/bin/nixtray-agent -> this path (e.g. the host-built agent under test). Not part of the closure.
  std::optional<std::filesystem::path> agent_path;

  // The label reduced to characters allowed in store path names.
  std::string store_name_label() const;
};

}  // namespace nixtray::testing
