// Installs NixOS-WSL with wsl.exe, step by step, for the tray's "Install NixOS": check the request
// against the distros WSL has, import the image, run a legacy image's first activation, start the
// new distro and check that WSL reports it running. Stops at the first step that fails, with what
// wsl.exe said. Portable over run_process: Windows runs the real wsl.exe, the tests a stand-in.
#pragma once

#include "core/distro/wsl_distro_control.hpp"
#include "core/onboarding/nixos_import.hpp"

#include <functional>
#include <string>
#include <vector>

namespace nixtray::tray {

enum class InstallStepName { check, import, activate, start };
std::string_view to_string(InstallStepName name);

enum class InstallStepState { running, done, failed };

struct InstallStep {
  InstallStepName name = InstallStepName::check;
  InstallStepState state = InstallStepState::running;
  std::string detail;  // what runs, or why it failed
};

struct NixosInstallReport {
  bool ok = false;
  std::vector<InstallStep> steps;             // the last state of each step that ran, in order
  [[nodiscard]] std::string failure() const;  // the failed step's detail; empty when ok
};

using InstallStepObserver = std::function<void(const InstallStep&)>;

// `wsl` names the wsl.exe and its timeouts; its distro is replaced by the request's name.
net::asio::awaitable<NixosInstallReport> install_nixos(WslDistroControlOptions wsl, NixosImportRequest request,
                                                       InstallStepObserver observer = {});

}  // namespace nixtray::tray
