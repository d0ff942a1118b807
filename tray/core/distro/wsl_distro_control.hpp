// The distro controlled with wsl.exe, the way Windows users do it by hand. Every command names
// the distro (-d), since the default distro may be another one; commands inside it use absolute
// paths, since --exec starts them without a shell and so without PATH.
//
// Two boot eras of NixOS on WSL (README, Windows):
// - today's NixOS-WSL runs systemd natively: `--exec` reaches the distro's programs directly;
// - the early images (2020) start systemd in a namespace from the login shell (syschdemd) and
//   enter it with nsenter, so a command must go through the login shell: `wsl.exe -d D -- argv`.
//   `through_login_shell` selects that way (tested against a stand-in only).
//
// Portable code over run_process: the Windows build runs the real wsl.exe, the tests a stand-in.
#pragma once

#include "core/distro/distro_control.hpp"
#include "core/onboarding/nixos_import.hpp"
#include "core/settings/tray_settings.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::tray {

struct WslDistroControlOptions {
  std::string distro = "NixOS";
  std::string wsl = "wsl.exe";  // CreateProcess finds it in System32
  bool through_login_shell = false;
  // What opens a terminal in the distro: Windows Terminal when installed, else a console with
  // wsl.exe (wsl_terminal_command picks).
  std::vector<std::string> terminal;
  std::chrono::milliseconds timeout{120'000};  // a first start may wait for systemd
  std::chrono::milliseconds list_timeout{15'000};
  std::chrono::milliseconds import_timeout{30 * 60'000};  // unpacking an image of a few GB
};

// The argv that opens a terminal in `distro`: `wt.exe -w 0 new-tab <wsl> -d <distro>` when
// Windows Terminal's path is given, else `<wsl> -d <distro>` (a console window of its own).
std::vector<std::string> wsl_terminal_command(const std::string& wsl, const std::string& distro,
                                              const std::string& windows_terminal);

// The options the settings ask for: the distro, the wsl.exe (`wsl_override`, else the settings',
// else $NIXTRAY_WSL_EXE, else wsl.exe), the login-shell way, and Windows Terminal when installed.
WslDistroControlOptions wsl_control_options(const TraySettings& settings, const std::string& wsl_override = {},
                                            bool through_login_shell = false);

// The argv that runs `argv` inside the distro (as root when `as_root`).
std::vector<std::string> wsl_exec_command(const WslDistroControlOptions& options, bool as_root,
                                          const std::vector<std::string>& argv);

// The argv of a console as a person opens one: `<wsl> -d <distro> [-u <user>] -- <argv>`. Never
// --exec: WSL then runs the command line through the user's login shell, which is what is checked.
std::vector<std::string> wsl_console_command(const WslDistroControlOptions& options,
                                             const std::optional<std::string>& user,
                                             const std::vector<std::string>& argv);

class WslDistroControl final : public DistroControl {
 public:
  explicit WslDistroControl(WslDistroControlOptions options) : options_(std::move(options)) {}

  [[nodiscard]] bool has_lifecycle() const override { return true; }
  [[nodiscard]] std::string describe() const override { return "wsl"; }
  [[nodiscard]] const WslDistroControlOptions& options() const { return options_; }

  // Boots the distro by running /bin/sh -c true in it (WSL starts a distro for its first command).
  net::asio::awaitable<ControlResult> start() override;
  // wsl.exe --terminate: this distro only.
  net::asio::awaitable<ControlResult> terminate() override;
  // From `wsl.exe -l --running --quiet`, and `-l --quiet` to tell stopped from missing.
  net::asio::awaitable<RunningProbe> is_running() override;
  net::asio::awaitable<ControlResult> run_as_root(std::vector<std::string> argv) override;
  net::asio::awaitable<ControlResult> open_terminal() override;
  [[nodiscard]] bool has_console() const override { return true; }
  net::asio::awaitable<ProcessOutcome> console(ConsoleRequest request) override;

  // wsl.exe --shutdown: the whole WSL VM, every distro (the GUI asks first).
  [[nodiscard]] bool can_shut_down_all() const override { return true; }
  net::asio::awaitable<ControlResult> shutdown_all() override;

  // `wsl.exe --list --quiet`: every distro, its output as wsl.exe wrote it (parse_wsl_list reads it).
  net::asio::awaitable<ControlResult> list_distros();
  // `wsl.exe --list --running --quiet`: the running ones (nothing at all when none runs).
  net::asio::awaitable<ControlResult> list_running_distros();
  // wsl_import_command: a new distro from a NixOS-WSL image (nixos_installer.hpp runs the rest).
  net::asio::awaitable<ControlResult> import_distro(NixosImportRequest request);  // by value: a coroutine
  // `wsl.exe --export <this distro> <file>`: its files as a tarball (a copy to try a change on).
  net::asio::awaitable<ControlResult> export_distro(std::filesystem::path file);
  // `wsl.exe --unregister <name>`: forgets a distro and deletes its disk. Only for a distro
  // nixtray made itself (a trial copy); never this control's own distro.
  net::asio::awaitable<ControlResult> unregister_distro(std::string name);

 private:
  net::asio::awaitable<ControlResult> run(std::vector<std::string> argv, std::chrono::milliseconds timeout);

  WslDistroControlOptions options_;
};

// The options of `control` when it is a WslDistroControl (installing NixOS and adding the agent
// need wsl.exe itself); nothing otherwise.
std::optional<WslDistroControlOptions> wsl_options_of(const DistroControl* control);

}  // namespace nixtray::tray
