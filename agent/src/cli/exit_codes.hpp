// Exit codes of the nixtray-agent command line (documented in --help and the README).
#pragma once

#include "nixtray/cli/command_failure.hpp"
#include "nixtray/protocol/error_code.hpp"

namespace nixtray::agent {

enum ExitCode : int {
  exit_ok = 0,
  exit_failed = 1,        // the agent refused the request or the action failed
  exit_unreachable = 2,   // the agent could not be reached
  exit_unauthorized = 3,  // not allowed (not root / not in the agent's group, wrong token)
  exit_busy = 4,          // another job is running
  exit_usage = 64,        // bad command line (EX_USAGE)
};

inline constexpr const char* exit_code_help =
    "Exit codes: 0 success; 1 the agent refused the request or the action failed; 2 the agent could not be\n"
    "reached; 3 not authorized; 4 another job is running; 64 usage error.\n";

// A failure that ends a command with a message and one of these exit codes.
using cli::CommandFailure;

int exit_code_for(const protocol::RpcError& error);

}  // namespace nixtray::agent
