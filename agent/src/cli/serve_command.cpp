// `nixtray-agent serve`: the daemon.
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "config/agent_config.hpp"
#include "daemon/agent_daemon.hpp"
#include "support/logger.hpp"

#include <sys/resource.h>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <iostream>

namespace nixtray::agent {

namespace {

// Each client is a file descriptor; the default soft limit (1024) is below what a busy agent
// with many trays and scripts may need. Raise the soft limit to the hard one and say if it is low.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < 4096) {
    log_warning("open-file limit is " + std::to_string(limit.rlim_cur) +
                "; at most about that many clients can connect (raise LimitNOFILE)");
  }
}

}  // namespace

int run_serve(const cli::ParsedCommandLine& args) {
  AgentConfig config;
  try {
    config = load_agent_config(args);
  } catch (const ConfigError& e) {
    throw CommandFailure(exit_usage, e.what());
  }
  set_log_verbose(args.has("verbose"));
  std::signal(SIGPIPE, SIG_IGN);
  raise_open_file_limit();

  net::asio::io_context io(1);
  AgentDaemon daemon(io, config);
  // Catch the signals before the sockets exist: a client that sees the socket may stop us at once.
  net::asio::signal_set signals(io, SIGTERM, SIGINT);
  daemon.start();
  signals.async_wait([&](const net::error_code& ec, int signal_number) {
    if (!ec) {
      log_info("stopping on signal " + std::to_string(signal_number));
      daemon.stop();
      io.stop();
    }
  });
  log_info("nixtray-agent " + agent_version() + " ready (state " + config.state_dir.string() + ", profiles " +
           config.profile_dir.string() + ")");
  sd_notify(0, "READY=1");
  io.run();
  return exit_ok;
}

}  // namespace nixtray::agent
