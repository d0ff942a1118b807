// `nixtrayctl try-on-copy`: the rebuild `nixtrayctl rebuild` would run, tried first on a throw-away
// copy of the distro (core/targets/copy_trial.hpp), its steps on stderr and the result on stdout.
#include "core/targets/copy_trial.hpp"
#include "core/verify/session_verify.hpp"
#include "ctl/ctl_program.hpp"

#include <iostream>

namespace nixtray::ctl {

int run_try_on_copy(const cli::ParsedCommandLine& args, const tray::SessionSetup& setup) {
  tray::CopyTrialRequest request;
  request.rebuild = tray::rebuild_before_verify(setup.settings);
  request.rebuild.flake = args.value("flake") ? args.value("flake") : setup.settings.flake;
  request.rebuild.upgrade = args.has("upgrade");
  if (const auto seconds = args.integer("timeout", 1, 24 * 3600)) request.boot_timeout = std::chrono::seconds(*seconds);
  tray::CopyTrialObserver observer;
  observer.on_step = [](const tray::TrialStep& step) {
    std::cerr << "nixtrayctl: " << step.name << ": "
              << (step.status == tray::StepStatus::running
                      ? step.message + "..."
                      : std::string(tray::to_string(step.status)) + ": " + step.message)
              << "\n";
  };
  observer.on_check_step = [](const tray::VerifyStep& step) {
    if (step.status != tray::StepStatus::running) {
      std::cerr << "nixtrayctl:   " << step.name << ": " << tray::to_string(step.status) << ": " << step.message
                << "\n";
    }
  };
  net::asio::io_context io;
  std::optional<tray::CopyTrialReport> report;
  std::exception_ptr error;
  net::asio::co_spawn(io, tray::try_on_copy(setup, std::move(request), std::move(observer)),
                      [&](std::exception_ptr e, tray::CopyTrialReport r) {
                        error = e;
                        report = std::move(r);
                      });
  io.run();
  if (error) std::rethrow_exception(error);
  if (args.has("json")) {
    std::cout << tray::to_json(*report).dump(2) << "\n";
  } else {
    std::cout << tray::format_copy_trial_report(*report);
  }
  return tray::copy_trial_exit_code(*report);
}

}  // namespace nixtray::ctl
