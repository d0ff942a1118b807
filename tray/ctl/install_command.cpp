// `nixtrayctl install-nixos IMAGE`: the tray's "Install NixOS…" for scripts and first-run docs,
// with the same installer (TraySession::install_nixos): check, wsl.exe --import, a legacy image's
// first activation, start. Each step is printed as it starts and ends.
#include "core/onboarding/nixos_installer.hpp"
#include "core/system/path_text.hpp"
#include "ctl/ctl_program.hpp"

#include <iostream>

namespace nixtray::ctl {

namespace {

void print_step(const tray::InstallStep& step) {
  std::cout << tray::to_string(step.name) << ": ";
  switch (step.state) {
    case tray::InstallStepState::running:
      std::cout << step.detail;
      break;
    case tray::InstallStepState::done:
      std::cout << "ok";
      break;
    case tray::InstallStepState::failed:
      std::cout << "FAILED: " << step.detail;
      break;
  }
  std::cout << "\n" << std::flush;
}

}  // namespace

int run_install_nixos(const cli::ParsedCommandLine& args, CommandContext& context) {
  if (!context.session.wsl_options()) throw cli::UsageError("install-nixos needs --distro-control wsl");
  tray::NixosImportRequest request;
  request.image = tray::path_from_text(args.args.at(0));  // arguments are UTF-8 (the Windows main converts them)
  request.name = context.session.distro();
  request.folder = args.has("folder") ? tray::path_from_text(args.value_or("folder", ""))
                                      : tray::default_distro_folder(request.name);
  const auto report = context.run(context.session.install_nixos(request, print_step));
  if (!report.ok) {
    std::cerr << "nixtrayctl install-nixos: " << report.failure() << "\n";
    return exit_failed;
  }
  std::cout << request.name
            << " is installed and running. Next: add nixtray's NixOS module to its configuration "
               "and rebuild (README: First run).\n";
  return exit_ok;
}

}  // namespace nixtray::ctl
