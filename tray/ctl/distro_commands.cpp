// `nixtrayctl start | stop | rollback N`: the distro's lifecycle through the distro control, and a
// rollback through the agent, or from outside when the agent does not answer.
#include "core/distro/process_runner.hpp"
#include "core/verify/rescue_command.hpp"
#include "ctl/ctl_program.hpp"

#include "nixtray/protocol/method.hpp"
#include "nixtray/protocol/wire_name.hpp"

#include <iostream>

namespace nixtray::ctl {

namespace asio = net::asio;
using Clock = std::chrono::steady_clock;

namespace {

void require_lifecycle(CommandContext& context, const std::string& what) {
  if (!context.session.control().has_lifecycle()) {
    throw CommandFailure(exit_failed, "the distro control (" + context.session.control().describe() + ") cannot " +
                                          what + ": use --distro-control command --start CMD --stop CMD");
  }
}

std::string describe_agent(const tray::AgentConnection& agent) {
  return "agent " + agent.hello().agent + (agent.hello().authorized ? "" : " (read-only)");
}

asio::awaitable<int> start_and_wait(CommandContext& context) {
  auto starting = context.session.control().start();
  const auto started = co_await std::move(starting);
  if (!started.ok) {
    std::cerr << "nixtrayctl start: the distro did not start: " << started.message << "\n";
    co_return exit_failed;
  }
  const auto deadline = Clock::now() + context.timeout;
  std::string last;
  for (;;) {
    auto opening = tray::AgentConnection::open(context.session.connection_options());
    auto opened = co_await std::move(opening);
    if (auto* agent = std::get_if<std::shared_ptr<tray::AgentConnection>>(&opened)) {
      std::cout << "The distro runs; its " << describe_agent(**agent) << " answers.\n";
      co_return exit_ok;
    }
    last = std::get<tray::ConnectionFailure>(opened).message;
    if (Clock::now() >= deadline) break;
    auto nap = tray::pause_for(std::chrono::milliseconds(250));
    co_await std::move(nap);
  }
  std::cerr << "nixtrayctl start: the distro was started, but no agent answered in time: " << last << "\n";
  co_return exit_unreachable;
}

asio::awaitable<int> stop_and_wait(CommandContext& context, bool whole_vm) {
  if (whole_vm && !context.session.control().can_shut_down_all()) {
    throw cli::UsageError("stop --all needs --distro-control wsl");
  }
  auto stopping = whole_vm ? context.session.control().shutdown_all() : context.session.control().terminate();
  const auto stopped = co_await std::move(stopping);
  if (!stopped.ok) {
    std::cerr << "nixtrayctl stop: " << stopped.message << "\n";
    co_return exit_failed;
  }
  const auto deadline = Clock::now() + context.timeout;
  for (;;) {
    auto probing = context.session.control().is_running();
    const auto probe = co_await std::move(probing);
    if (probe.state != tray::RunningState::running) {
      std::cout << "The distro was shut down.\n";
      co_return exit_ok;
    }
    if (Clock::now() >= deadline) break;
    auto nap = tray::pause_for(std::chrono::milliseconds(250));
    co_await std::move(nap);
  }
  std::cerr << "nixtrayctl stop: the distro still runs after it was shut down\n";
  co_return exit_failed;
}

asio::awaitable<int> roll_back(CommandContext& context, int generation, protocol::RebuildMode mode,
                               std::string profile_dir) {
  auto opening = tray::AgentConnection::open(context.session.connection_options());
  auto opened = co_await std::move(opening);
  if (auto* agent = std::get_if<std::shared_ptr<tray::AgentConnection>>(&opened)) {
    protocol::JobStartParams params;
    params.kind = protocol::JobKind::rollback;
    params.mode = mode;
    params.to = generation;
    auto running = tray::run_job_to_end(*agent, params, std::chrono::minutes(30), std::chrono::milliseconds(250), {});
    auto job = co_await std::move(running);
    if (!job) {
      std::cerr << "nixtrayctl rollback: " << job.error().message << "\n";
      co_return exit_failed;
    }
    if (job->state != protocol::JobState::succeeded) {
      std::cerr << "nixtrayctl rollback: job " << job->id << " " << protocol::wire_name(job->state)
                << (job->summary ? ": " + *job->summary : std::string()) << "\n";
      co_return exit_failed;
    }
    std::cout << "Rolled back to generation " << generation << " (job " << job->id << ")"
              << (mode == protocol::RebuildMode::boot ? ": the next start boots it.\n" : ": it is active now.\n");
    co_return exit_ok;
  }
  const auto why = std::get<tray::ConnectionFailure>(opened).message;
  // No agent: repoint the profile from outside, with absolute paths (the next start boots it).
  const auto argv = tray::rescue_rollback_argv(profile_dir, generation);
  std::cerr << "nixtrayctl rollback: the agent does not answer (" << why
            << "); rolling back from outside: " << tray::quote_command_line(argv) << "\n";
  auto rescuing = context.session.control().run_as_root(argv);
  const auto rescued = co_await std::move(rescuing);
  std::cout << rescued.output;
  if (!rescued.ok) {
    std::cerr << "nixtrayctl rollback: " << rescued.message << "\n";
    co_return exit_failed;
  }
  co_return exit_ok;
}

}  // namespace

int run_start(const cli::ParsedCommandLine&, CommandContext& context) {
  require_lifecycle(context, "start the distro");
  return context.run(start_and_wait(context));
}

int run_stop(const cli::ParsedCommandLine& args, CommandContext& context) {
  require_lifecycle(context, "shut the distro down");
  return context.run(stop_and_wait(context, args.has("all")));
}

int run_rollback(const cli::ParsedCommandLine& args, CommandContext& context) {
  const auto generation =
      static_cast<int>(cli::integer_argument(args, 0, "the generation number", 1, protocol::max_generation_number));
  const auto mode = args.has("boot") ? protocol::RebuildMode::boot : protocol::RebuildMode::switch_;
  return context.run(roll_back(context, generation, mode, distro_profile_dir(context)));
}

}  // namespace nixtray::ctl
