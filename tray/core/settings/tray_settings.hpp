// The tray's settings, shared by the tray app and nixtrayctl: which distro and agent, the flake,
// notification toggles, and what the host must remember about each distro (the known-good
// generation, a verify-boot in progress, the last job seen), because a broken distro cannot be
// asked. Stored as JSON by SettingsFile.
#pragma once

#include "nixtray/net/endpoint.hpp"
#include "nixtray/protocol/json.hpp"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct NotificationToggles {
  bool job_failed = true;      // a rebuild or rollback failed (or was interrupted)
  bool verify_failed = true;   // verify-boot failed, or rolled back
  bool unit_failed = true;     // a systemd unit failed
  bool distro_stopped = true;  // the distro stopped without the user asking
  bool unverified = true;      // the generation that boots next is unverified
  bool low_space = true;       // the Nix store's disk has less than low_space_gib free
  bool job_succeeded = true;   // a switch, boot, test, rollback or garbage collection finished well
  bool verify_passed = true;   // boot verification passed
  // The flake's inputs have newer revisions: also what starts the daily check (core/state/
  // update_check.hpp), which fetches from the network as root, so off unless asked for.
  bool updates_available = false;
  // 5 GiB: room for a rebuild that replaces much of the system (a nixpkgs update downloads and
  // builds several GiB) well before the agent refuses rebuilds (its min-free-space, 1 GiB). Not a
  // share of the disk: on WSL the distro's file system reports its virtual disk's maximum size
  // (1 TiB by default), so 10 % would warn at 100 GiB free.
  int low_space_gib = 5;
};

// How the distro is started and stopped. "local": no lifecycle (the agent runs on this machine);
// "command": the commands below; "wsl": wsl.exe (Windows).
struct DistroControlSettings {
  std::string kind;  // empty: the platform's default
  std::string start;
  std::string stop;
  std::string is_running;
  std::string exec_as_root;  // a prefix; the argv to run inside the distro is appended
  std::string terminal;      // opens a terminal in the distro
  std::string console;       // a prefix; runs the appended argv as the default user through their login shell
  // "wsl": the wsl.exe to run (empty: NIXTRAY_WSL_EXE from the environment, else wsl.exe), and
  // whether commands go through the distro's login shell (the 2020-era images: wsl_distro_control.hpp).
  std::string wsl;
  bool through_login_shell = false;
};

// A verify-boot that was under way: a tray that died half-way reports or resumes it.
struct VerifyRecord {
  int expected_generation = 0;
  std::optional<int> known_good_before;
  std::int64_t started = 0;  // unix time
  std::string step;
};

// Verify-boot (core/verify/boot_verifier.hpp): roll back a generation that does not boot, how long to
// wait for it, and where its profile is inside the distro (for the rescue from outside).
struct VerifySettings {
  bool auto_rollback = true;
  int boot_timeout_seconds = 180;          // longer than WSL's [boot] initTimeout
  std::optional<std::string> profile_dir;  // unset: /nix/var/nix/profiles
};

struct DistroRecord {
  std::optional<int> known_good;
  std::optional<VerifyRecord> verify_in_progress;
  std::optional<std::string> last_job_seen;  // the newest finished job already reported
  // The unverified generation last notified ("43 /nix/store/..."): notified once, also across restarts.
  std::optional<std::string> unverified_notified;
  std::optional<std::int64_t> last_update_check;  // unix time the daily check last started
};

// One target's settings (settings_document.hpp holds every target of the file), as a session uses
// them; start_at_login is the tray's, the same in each.
struct TraySettings {
  std::string name;   // the target's name; empty: the distro's (target_name())
  bool watch = true;  // whether the tray watches it (its icon, menu and notifications)
  std::string distro = "NixOS";
  std::string agent;  // unix:PATH, tcp:HOST:PORT or exec:COMMAND; empty: the platform's default
  std::optional<std::string> token_file;
  // Whether opening the connection starts the distro (the wsl.exe bridge does). Unset: true for
  // an exec: transport on Windows.
  std::optional<bool> connect_starts_distro;
  std::optional<std::string> flake;
  bool review_rebuild = true;  // build first, show what changes, ask before activating
  // Rebuild is "rebuild, verify, keep or roll back" by default (issue 18 §3); a file that says
  // false keeps it off, and the menu keeps a plain Switch without verification.
  bool auto_verify_after_rebuild = true;
  NotificationToggles notifications;
  bool start_at_login = false;
  // When the tray starts at login (--autostart), it also starts the distro (Windows: WSL starts a
  // distro only for its first command).
  bool start_distro_at_login = false;
  DistroControlSettings distro_control;
  VerifySettings verify;
  std::map<std::string, DistroRecord> distros;
  // Members this version does not know (written by a newer one): kept and written back.
  protocol::json unknown_members = protocol::json::object();

  [[nodiscard]] const std::string& target_name() const { return name.empty() ? distro : name; }
  [[nodiscard]] DistroRecord& record() { return distros[distro]; }
  [[nodiscard]] const DistroRecord* find_record() const;
};

// Reads one target's settings from JSON (a target of the file, or a whole version 1 file). Members
// with the wrong type are skipped with a warning each. The JSON has no "version": the document's.
TraySettings settings_from_json(const protocol::json& j, std::vector<std::string>& warnings);
protocol::json settings_to_json(const TraySettings& settings);

// The address used when `agent` is empty: the bridge through wsl.exe on Windows, the local
// socket elsewhere.
std::string default_agent_address(const std::string& distro);
// The agent of a WSL distro through `wsl` (wsl.exe, or a stand-in) and the distro's bridge.
std::string wsl_bridge_address(const std::string& wsl, const std::string& distro);
net::Endpoint effective_endpoint(const TraySettings& settings);  // throws std::invalid_argument
bool effective_connect_starts_distro(const TraySettings& settings);
std::string effective_distro_control_kind(const TraySettings& settings);
// The token file for a TCP agent: the settings', else default_token_file(distro) (token_file.hpp);
// none for other transports.
std::optional<std::filesystem::path> effective_token_file(const TraySettings& settings);
// Whether a missing token is fetched through the distro control: with wsl.exe, which can run the
// agent as root inside the distro.
bool effective_fetch_missing_token(const TraySettings& settings);

}  // namespace nixtray::tray
