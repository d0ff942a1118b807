// `nixtrayctl start | stop | rollback N`: the session's awaited lifecycle and rollback
// (core/tray_session_lifecycle.cpp), printed, with nixtrayctl's exit codes.
#include "ctl/ctl_program.hpp"

#include "nixtray/protocol/method.hpp"

#include <iostream>

namespace nixtray::ctl {

namespace {

// Prints what the session says happened and turns it into nixtrayctl's exit code.
int report(const std::string& command, const tray::SessionOutcome& outcome) {
  for (const auto& note : outcome.notes) std::cerr << "nixtrayctl " << command << ": " << note << "\n";
  std::cout << outcome.output;
  switch (outcome.result) {
    case tray::SessionOutcome::Result::done:
      if (!outcome.message.empty()) std::cout << outcome.message << "\n";
      return exit_ok;
    case tray::SessionOutcome::Result::unreachable:
      std::cerr << "nixtrayctl " << command << ": " << outcome.message << "\n";
      return exit_unreachable;
    case tray::SessionOutcome::Result::failed:
      break;
  }
  std::cerr << "nixtrayctl " << command << ": " << outcome.message << "\n";
  return exit_failed;
}

}  // namespace

int run_start(const cli::ParsedCommandLine&, CommandContext& context) {
  return report("start", context.run(context.session.start_and_wait(context.timeout)));
}

int run_stop(const cli::ParsedCommandLine& args, CommandContext& context) {
  const bool whole_vm = args.has("all");
  if (whole_vm && context.session.control().has_lifecycle() && !context.session.control().can_shut_down_all()) {
    throw cli::UsageError("stop --all needs --distro-control wsl");
  }
  return report("stop", context.run(context.session.stop_and_wait(whole_vm, context.timeout)));
}

int run_rollback(const cli::ParsedCommandLine& args, CommandContext& context) {
  const auto generation =
      static_cast<int>(cli::integer_argument(args, 0, "the generation number", 1, protocol::max_generation_number));
  const auto mode = args.has("boot") ? protocol::RebuildMode::boot : protocol::RebuildMode::switch_;
  (void)distro_profile_dir(context);  // a rescue from outside needs it absolute: refuse before anything runs
  return report("rollback", context.run(context.session.roll_back_and_wait(generation, mode)));
}

}  // namespace nixtray::ctl
