// "Install NixOS" from the tray: what a person picks (a NixOS-WSL image, a distro name, a folder),
// checked before anything runs, and the wsl.exe command that imports it. Pure, no I/O but the
// file-system checks: the installer (nixos_installer.hpp) runs it.
//
// Two kinds of image (README, Windows):
// - `nixos.wsl` (NixOS-WSL 24.05 and later): boots with WSL's own systemd; imported and started.
// - a legacy `*.tar.gz` rootfs (the 2020-era images): systemd is started from the login shell, and
//   after the import `/nix/var/nix/profiles/system/activate` had to run once by hand, or nothing is
//   on PATH. The installer does that step too.
// - a legacy `nixos-wsl-installer.tar.gz` (2021-2022): a small system whose first start, through
//   the login shell, unpacks the real one; there is nothing to activate before.
#pragma once

#include "core/system/path_text.hpp"
#include "core/system/user_folders.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

enum class NixosImageKind { wsl, legacy_tarball, legacy_installer, unknown };

// By the file name, as WSL itself decides (`.wsl` is a tarball with a manifest; `.tar.gz`, `.tgz`
// and `.tar` are plain root file systems), and NixOS-WSL's name for its installer tarball.
NixosImageKind nixos_image_kind(const std::filesystem::path& image);

struct NixosImportRequest {
  std::filesystem::path image;
  std::string name;              // the new distro's name
  std::filesystem::path folder;  // where WSL keeps its disk (ext4.vhdx)
};

// What is wrong with the request, one sentence each, in the order a person fixes them; empty when
// it can run. `existing` are the distros WSL has now (a name may not be taken twice).
std::vector<std::string> check_nixos_import(const NixosImportRequest& request,
                                            const std::vector<std::string>& existing);

// WSL's rule for distro names: letters, digits, '.', '_' and '-'.
bool valid_distro_name(std::string_view name);

// `wsl.exe --import <name> <folder> <image> --version 2`: works with every WSL 2 and both kinds of
// image (`--install --from-file` needs WSL 2.4.4 or later and a .wsl image).
std::vector<std::string> wsl_import_command(const std::string& wsl, const NixosImportRequest& request);

// Where a new distro's disk goes unless the person picks another folder:
// <local application data>/nixtray/distros/<name> (%LOCALAPPDATA% on Windows, $XDG_DATA_HOME or
// ~/.local/share elsewhere).
std::filesystem::path default_distro_folder(const std::string& name);

// The newest NixOS-WSL image in `folder` (a person's Downloads: downloads_folder()): nixos.wsl, nixos-wsl.tar.gz,
// nixos-wsl-installer.tar.gz, also with a browser's " (1)" suffix. Nothing when there is none.
std::optional<std::filesystem::path> find_downloaded_nixos_image(const std::filesystem::path& folder);

}  // namespace nixtray::tray
