// One restart into a generation and its checks: stop, start, the agent's hello within the boot
// timeout, the booted generation, the activation report, systemd settling, failed units, then the
// console and the user's session (boot_console.cpp).
#include "core/verify/boot_verifier.hpp"

#include "core/link/backoff.hpp"
#include "core/verify/verifier_text.hpp"

#include "nixtray/protocol/status.hpp"

namespace nixtray::tray {

namespace {

// While nothing can tell the check that the distro stopped or that the new boot's agent listens,
// it looks: soon at first (a restart of a small distro takes a few hundred milliseconds, and a
// look every poll_interval would add half of one on average), then less often, at most
// poll_interval apart. Each wait is a quarter longer than the one before, so a look comes at
// most a quarter of the time waited so far after the moment it could have succeeded (doubling
// would allow the whole time again), and a look that costs a process start (wsl.exe) is made a
// dozen times in the first second, not a hundred.
Backoff looking_again(std::chrono::milliseconds poll_interval) {
  BackoffPolicy policy;
  policy.initial = std::min(poll_interval, std::chrono::milliseconds(10));
  policy.cap = poll_interval;
  policy.factor = 1.25;
  policy.jitter = 0;
  return Backoff(policy);
}

}  // namespace

namespace asio = net::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string seconds_text(milliseconds duration) {
  const auto tenths = duration.count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

std::string state_name(protocol::SystemState state) { return protocol::json(state).get<std::string>(); }

std::vector<std::string> unit_names(const std::vector<protocol::Unit>& units) {
  std::vector<std::string> names;
  names.reserve(units.size());
  for (const auto& unit : units) names.push_back(unit.name);
  return names;
}

}  // namespace

asio::awaitable<BootVerifier::BootCheck> BootVerifier::restart_and_check(int expected, std::string phase) {
  BootCheck check;
  record_step("stop");
  auto stopping = stop_distro(phase);
  if (!co_await std::move(stopping)) {
    check.failed_step = "stop";
    check.problem = "could not be checked: the distro did not stop (" + report_.steps.back().message + ")";
    co_return check;
  }

  record_step("start");
  const auto start = begin("start", phase, sentence("starting the distro"));
  auto starting = control_->start();
  const auto started = co_await std::move(starting);
  if (!started.ok) {
    // A start command may fail for its own reasons while the distro runs: ask before judging.
    auto probing = control_->is_running();
    const auto probe = co_await std::move(probing);
    if (probe.state == RunningState::stopped || probe.state == RunningState::missing) {
      end(start, StepStatus::failed, sentence("the distro did not start: %s", {started.message}));
      check.failed_step = "start";
      check.problem = "did not start: " + started.message;
      co_return check;
    }
    end(start, StepStatus::warn, sentence("the start command failed (%s), but the distro runs", {started.message}));
  } else {
    end(start, StepStatus::ok, sentence("the distro was started"));
  }

  record_step("agent");
  bool distro_died = false;
  auto waiting = wait_for_agent(phase, distro_died);
  check.agent = co_await std::move(waiting);
  if (!check.agent) {
    check.failed_step = "agent";
    if (phase == "verify") report_.stopped_while_booting = distro_died;
    check.problem = distro_died ? "did not come up: the distro stopped while it booted"
                                : "did not come up: no agent answered within " + seconds_text(options_.boot_timeout) +
                                      " of the start";
    co_return check;
  }

  record_step("generation");
  const auto generation = begin("generation", phase, sentence("asking which generation booted"));
  auto asking = check.agent->call<protocol::StatusMethod>(protocol::NoParams{});
  auto status = co_await std::move(asking);
  if (!status) {
    end(generation, StepStatus::failed, sentence("the agent did not answer status: %s", {status.error().message}));
    check.failed_step = "generation";
    check.problem = "could not be checked: the agent did not answer status (" + status.error().message + ")";
    co_return check;
  }
  check.booted = status->generations.booted;
  if (check.booted != expected) {
    const std::string booted = check.booted ? generation_text(*check.booted) : std::string("an unknown generation");
    end(generation, StepStatus::failed,
        check.booted ? sentence("generation %1$s booted, not generation %2$s",
                                {std::to_string(*check.booted), std::to_string(expected)})
                     : sentence("an unknown generation booted, not generation %s", {std::to_string(expected)}));
    check.failed_step = "generation";
    check.problem = "did not boot: " + booted + " booted instead";
    co_return check;
  }
  end(generation, StepStatus::ok, sentence("generation %s booted", {std::to_string(expected)}));

  record_step("activation");
  const auto activation = begin("activation", phase, sentence("reading the activation report"));
  check.activation = status->activation;
  switch (check.activation.state) {
    case protocol::ActivationState::errors:
      end(activation, StepStatus::failed,
          counted("the activation reported %s error", "the activation reported %s errors",
                  check.activation.lines.size()),
          check.activation.lines);
      check.failed_step = "activation";
      check.problem = "booted, but its activation reported errors: " + joined(check.activation.lines);
      co_return check;
    case protocol::ActivationState::ok:
      end(activation, StepStatus::ok, sentence("the activation reported no errors"));
      break;
    case protocol::ActivationState::unknown:
      end(activation, StepStatus::unknown,
          sentence("the activation report could not be read: unknown (not counted as passed, not as failed)"));
      break;
  }

  record_step("systemd");
  auto settling = wait_for_systemd(*check.agent, phase);
  const auto settled = co_await std::move(settling);
  if (!settled) {
    check.failed_step = "systemd";
    check.problem = "booted, but systemd did not finish starting: " + report_.steps.back().message;
    co_return check;
  }

  const auto units = begin("units", phase, sentence("collecting failed units"));
  check.failed_units = unit_names(settled->failed_units);
  if (check.failed_units.empty()) {
    end(units, StepStatus::ok, sentence("no unit failed"));
  } else {
    end(units, StepStatus::warn,
        counted("%1$s unit failed: %2$s", "%1$s units failed: %2$s", check.failed_units.size(),
                {joined(check.failed_units, ", ")}),
        check.failed_units);
  }
  auto logging_in = check_console(check.agent, settled->default_user, phase, check);
  if (!co_await std::move(logging_in)) co_return check;
  check.passed = true;
  co_return check;
}

asio::awaitable<bool> BootVerifier::stop_distro(std::string phase) {
  const auto step = begin("stop", phase, sentence("shutting the distro down"));
  auto terminating = control_->terminate();
  const auto terminated = co_await std::move(terminating);
  const auto deadline = Clock::now() + options_.stop_timeout;
  auto looks = looking_again(options_.poll_interval);
  for (;;) {
    auto probing = control_->is_running();
    const auto probe = co_await std::move(probing);
    if (probe.state == RunningState::stopped || probe.state == RunningState::missing) {
      end(step, StepStatus::ok, sentence(terminated.ok ? "the distro stopped" : "the distro was not running"));
      co_return true;
    }
    if (probe.state == RunningState::unknown && terminated.ok) {
      end(step, StepStatus::ok,
          sentence("the distro was shut down (whether it still runs cannot be asked: %s)", {probe.detail}));
      co_return true;
    }
    if (!terminated.ok) {
      end(step, StepStatus::failed, sentence("cannot shut the distro down: %s", {terminated.message}));
      co_return false;
    }
    if (Clock::now() >= deadline) {
      end(step, StepStatus::failed,
          sentence("the distro still runs %s after it was shut down", {seconds_text(options_.stop_timeout)}));
      co_return false;
    }
    auto nap = pause_for(looks.next_delay());
    co_await std::move(nap);
  }
}

asio::awaitable<std::shared_ptr<AgentConnection>> BootVerifier::wait_for_agent(std::string phase, bool& distro_died) {
  const auto step = begin("agent", phase, sentence("waiting for the agent to answer"));
  const auto started = Clock::now();
  const auto deadline = started + options_.boot_timeout;
  // A distro that ended during its boot is not coming back: look now and then (twice in a row,
  // since a distro may look stopped for a moment while WSL starts it).
  constexpr milliseconds power_check_interval{2'000};
  auto next_power_check = started + power_check_interval;
  int stopped_probes = 0;
  std::string last_failure;
  auto looks = looking_again(options_.poll_interval);
  for (;;) {
    auto opening = connect_once();
    auto opened = co_await std::move(opening);
    if (auto* connection = std::get_if<std::shared_ptr<AgentConnection>>(&opened)) {
      end(step, StepStatus::ok,
          sentence("the agent answered %s after the start",
                   {seconds_text(std::chrono::duration_cast<milliseconds>(Clock::now() - started))}));
      co_return std::move(*connection);
    }
    last_failure = std::get<ConnectionFailure>(opened).message;
    if (Clock::now() >= next_power_check) {
      next_power_check = Clock::now() + power_check_interval;
      auto probing = control_->is_running();
      const auto probe = co_await std::move(probing);
      const bool down = probe.state == RunningState::stopped || probe.state == RunningState::missing;
      stopped_probes = down ? stopped_probes + 1 : 0;
      if (stopped_probes >= 2) {
        distro_died = true;
        end(step, StepStatus::failed, sentence("the distro stopped while it booted (last: %s)", {last_failure}));
        co_return nullptr;
      }
    }
    if (Clock::now() >= deadline) {
      end(step, StepStatus::failed,
          sentence("no agent answered within %1$s (last: %2$s)", {seconds_text(options_.boot_timeout), last_failure}));
      co_return nullptr;
    }
    auto nap = pause_for(looks.next_delay());
    co_await std::move(nap);
  }
}

asio::awaitable<std::optional<protocol::Status>> BootVerifier::wait_for_systemd(AgentConnection& agent,
                                                                                std::string phase) {
  const auto step = begin("systemd", phase, sentence("waiting for systemd to finish starting"));
  const auto deadline = Clock::now() + options_.settle_timeout;
  // Listen for the agent's `status` events rather than asking every poll_interval; subscribed
  // before the first `status` call, so a change between the two is not lost.
  auto subscribing = agent.subscribe({"status"});
  const bool listening = co_await std::move(subscribing);
  bool ask = true;
  std::optional<protocol::Status> status;
  for (;;) {
    if (ask) {
      auto asking = agent.call<protocol::StatusMethod>(protocol::NoParams{});
      auto answer = co_await std::move(asking);
      if (!answer) {
        end(step, StepStatus::failed, sentence("the agent stopped answering: %s", {answer.error().message}));
        co_return std::nullopt;
      }
      status = std::move(answer.value());
      ask = false;
    }
    const auto state = status->system_state;
    if (state == protocol::SystemState::running || state == protocol::SystemState::degraded) {
      end(step, StepStatus::ok, sentence("systemd is %s", {state_name(state)}));
      co_return std::move(status);
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      end(step, StepStatus::failed,
          sentence("systemd is still %1$s after %2$s (%3$s jobs queued)",
                   {state_name(state), seconds_text(options_.settle_timeout), std::to_string(status->systemd_jobs)}));
      co_return std::nullopt;
    }
    if (!listening) {
      auto nap = pause_for(options_.poll_interval);
      co_await std::move(nap);
      ask = true;
      continue;
    }
    auto waiting = agent.next_event(std::chrono::duration_cast<milliseconds>(deadline - now));
    auto event = co_await std::move(waiting);
    if (agent.events_missed() || !event) {
      ask = true;  // dropped events, the deadline, or a closed connection: `status` says which
      continue;
    }
    if (event->topic != "status") continue;
    try {
      status = event->data.get<protocol::Status>();
    } catch (const protocol::json::exception&) {
      ask = true;
    }
  }
}

}  // namespace nixtray::tray
