// The distro's lifecycle and a rollback as a one-shot front end awaits them (nixtrayctl start,
// stop, rollback N): each ends when the change can be seen (the agent answers, the distro is
// stopped, the rollback job ended), not when it was asked for. The tray's menu runs the same
// controls without waiting (tray_session_commands.cpp), since its state follows the agent anyway.
#include "core/distro/process_runner.hpp"
#include "core/tray_session.hpp"
#include "core/verify/rescue_command.hpp"

#include "nixtray/protocol/wire_name.hpp"

namespace nixtray::tray {

namespace asio = net::asio;
using Clock = std::chrono::steady_clock;

namespace {

// How often a wait looks again: starting WSL takes seconds, so a quarter of one is not noticed.
constexpr std::chrono::milliseconds look_again{250};

SessionOutcome failed(std::string message) { return {SessionOutcome::Result::failed, std::move(message), {}, {}}; }

std::string describe_agent(const AgentConnection& agent) {
  return "agent " + agent.hello().agent + (agent.hello().authorized ? "" : " (read-only)");
}

}  // namespace

std::optional<SessionOutcome> TraySession::lifecycle_refusal(const std::string& what) const {
  if (control_ && control_->has_lifecycle()) return std::nullopt;
  return failed("the distro control (" + (control_ ? control_->describe() : std::string("none")) + ") cannot " + what +
                ": use --distro-control command --start CMD --stop CMD");
}

asio::awaitable<SessionOutcome> TraySession::start_and_wait(std::chrono::milliseconds deadline) {
  if (auto refused = lifecycle_refusal("start the distro")) co_return *refused;
  auto starting = control_->start();
  const auto started = co_await std::move(starting);
  if (!started.ok) co_return failed("the distro did not start: " + started.message);
  const auto until = Clock::now() + deadline;
  std::string last;
  for (;;) {
    auto opening = AgentConnection::open(connection_options());
    auto opened = co_await std::move(opening);
    if (auto* agent = std::get_if<std::shared_ptr<AgentConnection>>(&opened)) {
      co_return SessionOutcome{
          SessionOutcome::Result::done, "The distro runs; its " + describe_agent(**agent) + " answers.", {}, {}};
    }
    last = std::get<ConnectionFailure>(opened).message;
    if (Clock::now() >= until) break;
    auto nap = pause_for(look_again);
    co_await std::move(nap);
  }
  co_return SessionOutcome{
      SessionOutcome::Result::unreachable, "the distro was started, but no agent answered in time: " + last, {}, {}};
}

asio::awaitable<SessionOutcome> TraySession::stop_and_wait(bool every_distro, std::chrono::milliseconds deadline) {
  if (auto refused = lifecycle_refusal("shut the distro down")) co_return *refused;
  if (every_distro && !control_->can_shut_down_all()) {
    co_return failed("shutting every distro down needs the wsl.exe distro control");
  }
  auto stopping = every_distro ? control_->shutdown_all() : control_->terminate();
  const auto stopped = co_await std::move(stopping);
  if (!stopped.ok) co_return failed(stopped.message);
  const auto until = Clock::now() + deadline;
  for (;;) {
    auto probing = control_->is_running();
    const auto probe = co_await std::move(probing);
    if (probe.state != RunningState::running) {
      co_return SessionOutcome{SessionOutcome::Result::done, "The distro was shut down.", {}, {}};
    }
    if (Clock::now() >= until) break;
    auto nap = pause_for(look_again);
    co_await std::move(nap);
  }
  co_return failed("the distro still runs after it was shut down");
}

asio::awaitable<SessionOutcome> TraySession::roll_back_and_wait(int generation, protocol::RebuildMode mode) {
  auto opening = AgentConnection::open(connection_options());
  auto opened = co_await std::move(opening);
  if (auto* agent = std::get_if<std::shared_ptr<AgentConnection>>(&opened)) {
    protocol::JobStartParams params;
    params.kind = protocol::JobKind::rollback;
    params.mode = mode;
    params.to = generation;
    auto running = run_job_to_end(*agent, params, std::chrono::minutes(30), look_again, {});
    auto job = co_await std::move(running);
    if (!job) co_return failed(job.error().message);
    if (job->state != protocol::JobState::succeeded) {
      co_return failed("job " + job->id + " " + protocol::wire_name(job->state) +
                       (job->summary ? ": " + *job->summary : std::string()));
    }
    co_return SessionOutcome{
        SessionOutcome::Result::done,
        "Rolled back to generation " + std::to_string(generation) + " (job " + job->id + ")" +
            (mode == protocol::RebuildMode::boot ? ": the next start boots it." : ": it is active now."),
        {},
        {}};
  }
  // No agent: repoint the profile from outside, with absolute paths (the next start boots it).
  const auto argv = rescue_rollback_argv(profile_dir_, generation);
  SessionOutcome outcome;
  outcome.notes.push_back("the agent does not answer (" + std::get<ConnectionFailure>(opened).message +
                          "); rolling back from outside: " + quote_command_line(argv));
  auto rescuing = control_->run_as_root(argv);
  const auto rescued = co_await std::move(rescuing);
  outcome.output = rescued.output;
  if (!rescued.ok) {
    outcome.result = SessionOutcome::Result::failed;
    outcome.message = rescued.message;
  }
  co_return outcome;
}

}  // namespace nixtray::tray
