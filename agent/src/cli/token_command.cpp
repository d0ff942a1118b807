// `nixtray-agent token`: prints the TCP token for a Windows tray (fetched once, as root).
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "config/agent_config.hpp"
#include "server/token_store.hpp"

#include <unistd.h>

#include <iostream>

namespace nixtray::agent {

int run_token(const cli::ParsedCommandLine& args) {
  if (::geteuid() != 0) {
    throw CommandFailure(exit_unauthorized, "only root may read the token (wsl.exe -d <distro> -u root --exec ...)");
  }
  AgentConfig config;
  try {
    config = load_agent_config(args);
  } catch (const ConfigError& e) {
    throw CommandFailure(exit_usage, e.what());
  }
  std::cout << TokenStore(config.token_file).load_or_create() << "\n";
  return exit_ok;
}

}  // namespace nixtray::agent
