#include "core/verify/boot_verifier.hpp"

#include "core/distro/process_runner.hpp"
#include "core/verify/rescue_command.hpp"

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/verify.hpp"

#include <ctime>

namespace nixtray::tray {

namespace asio = net::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string seconds_text(milliseconds duration) {
  const auto tenths = duration.count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
}

std::string generation_text(int number) { return "generation " + std::to_string(number); }

std::string joined(const std::vector<std::string>& items, std::string_view separator = "; ") {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : std::string(separator)) + item;
  return text;
}

std::string state_name(protocol::SystemState state) { return protocol::json(state).get<std::string>(); }

std::vector<std::string> unit_names(const std::vector<protocol::Unit>& units) {
  std::vector<std::string> names;
  for (const auto& unit : units) names.push_back(unit.name);
  return names;
}

// The rollback target: a known-good generation other than the one being checked. The record of
// an interrupted check comes first (it was chosen before anything restarted), then the agent's,
// then the host's.
std::optional<int> choose_known_good(const VerifyRequest& request, const protocol::GenerationTriple& agent,
                                     int expected) {
  for (const auto& candidate : {request.interrupted ? request.interrupted->known_good_before : std::nullopt,
                                agent.known_good, request.host_known_good}) {
    if (candidate && *candidate != expected) return candidate;
  }
  return std::nullopt;
}

}  // namespace

struct BootVerifier::BootCheck {
  bool passed = false;  // booted the expected generation, no activation errors, systemd settled
  std::string failed_step;
  std::string problem;  // completes "generation N ...": "did not start: ..."
  std::optional<int> booted;
  protocol::ActivationReport activation;
  std::vector<std::string> failed_units;
  std::shared_ptr<AgentConnection> agent;  // open when the agent answered
};

std::shared_ptr<BootVerifier> BootVerifier::create(asio::any_io_executor executor, BootVerifierOptions options,
                                                   std::shared_ptr<DistroControl> control,
                                                   BootVerifierCallbacks callbacks) {
  return std::shared_ptr<BootVerifier>(
      new BootVerifier(std::move(executor), std::move(options), std::move(control), std::move(callbacks)));
}

BootVerifier::BootVerifier(asio::any_io_executor executor, BootVerifierOptions options,
                           std::shared_ptr<DistroControl> control, BootVerifierCallbacks callbacks)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      control_(std::move(control)),
      callbacks_(std::move(callbacks)) {}

void BootVerifier::start(VerifyRequest request) {
  asio::co_spawn(
      executor_,
      [self = shared_from_this(), request = std::move(request)]() mutable -> asio::awaitable<void> {
        auto checking = self->run(std::move(request));
        co_await std::move(checking);
      },
      asio::detached);
}

asio::awaitable<VerifyReport> BootVerifier::run(VerifyRequest request) {
  auto self = shared_from_this();
  if (running_) {
    VerifyReport busy;
    busy.message = "a boot check is already running";
    co_return busy;
  }
  running_ = true;
  report_ = VerifyReport{};
  report_.interrupted = request.interrupted;
  record_.reset();
  step_starts_.clear();
  started_at_ = Clock::now();
  try {
    auto steps = run_steps(std::move(request));
    co_await std::move(steps);
  } catch (const std::exception& e) {
    // A bug, not an expected failure: say so, and whether the distro was touched.
    report_.verdict = record_ ? VerifyVerdict::failed : VerifyVerdict::not_run;
    report_.recovery = record_ ? RecoveryResult::not_recovered : RecoveryResult::not_needed;
    report_.message = std::string("the boot check stopped on an internal error: ") + e.what();
    if (report_.failed_step.empty() && !report_.steps.empty()) report_.failed_step = report_.steps.back().name;
  }
  finish();
  co_return report_;
}

void BootVerifier::finish() {
  report_.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - started_at_);
  if (record_) {
    record_.reset();
    if (callbacks_.on_record) callbacks_.on_record(std::nullopt);
  }
  running_ = false;
  if (callbacks_.on_finished) callbacks_.on_finished(report_);
}

std::size_t BootVerifier::begin(std::string name, std::string phase, std::string message) {
  VerifyStep step;
  step.name = std::move(name);
  step.phase = std::move(phase);
  step.message = std::move(message);
  report_.steps.push_back(step);
  step_starts_.push_back(Clock::now());
  if (callbacks_.on_step) callbacks_.on_step(step);
  return report_.steps.size() - 1;
}

void BootVerifier::end(std::size_t index, StepStatus status, std::string message, std::vector<std::string> lines) {
  auto& step = report_.steps.at(index);
  step.status = status;
  step.message = std::move(message);
  step.lines = std::move(lines);
  step.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - step_starts_.at(index));
  if (callbacks_.on_step) callbacks_.on_step(step);
}

void BootVerifier::record_step(const std::string& step) {
  if (!record_) return;
  record_->step = step;
  if (callbacks_.on_record) callbacks_.on_record(record_);
}

asio::awaitable<AgentConnection::Opened> BootVerifier::connect_once() {
  auto opening = AgentConnection::open(options_.agent);
  co_return co_await std::move(opening);
}

asio::awaitable<void> BootVerifier::run_steps(VerifyRequest request) {
  if (request.rebuild_first) {
    auto rebuilding = rebuild(*request.rebuild_first);
    if (!co_await std::move(rebuilding)) co_return;
  }

  const auto preflight = begin("pre-flight", "verify", "checking the generation that boots next");
  const auto not_run = [&](std::string why) {
    end(preflight, StepStatus::failed, why);
    report_.verdict = VerifyVerdict::not_run;
    report_.failed_step = "pre-flight";
    report_.message = "The boot check could not run: " + why + ". Nothing was restarted.";
  };
  if (!control_ || !control_->has_lifecycle()) {
    not_run("the distro control (" + std::string(control_ ? control_->describe() : "none") +
            ") cannot stop and start the distro");
    co_return;
  }
  auto opening = connect_once();
  auto opened = co_await std::move(opening);
  if (const auto* failure = std::get_if<ConnectionFailure>(&opened)) {
    if (request.interrupted) {
      // The interrupted check had passed pre-flight: resume it with what it had recorded.
      const auto& record = *request.interrupted;
      end(preflight, StepStatus::skipped,
          "the agent does not answer (" + failure->message + "); resuming the interrupted check of " +
              generation_text(record.expected_generation) + ", which had passed pre-flight");
      report_.expected_generation = record.expected_generation;
      const auto good =
          record.known_good_before != record.expected_generation ? record.known_good_before : std::nullopt;
      auto checking = check_and_recover(record.expected_generation, good);
      co_await std::move(checking);
      co_return;
    }
    not_run("the agent does not answer (" + failure->message +
            "), so the generation cannot be checked before a restart");
    co_return;
  }
  auto agent = std::get<std::shared_ptr<AgentConnection>>(opened);
  auto asking = agent->call<protocol::StatusMethod>(protocol::NoParams{});
  auto status = co_await std::move(asking);
  if (!status) {
    not_run("the agent did not answer status: " + status.error().message);
    co_return;
  }
  const auto expected = status->generations.default_generation;
  if (!expected) {
    not_run("the system profile points at no generation");
    co_return;
  }
  report_.expected_generation = expected;

  protocol::PreflightParams preflight_params;
  preflight_params.number = *expected;
  auto checking = agent->call<protocol::VerifyPreflightMethod>(preflight_params);
  auto checked = co_await std::move(checking);
  if (!checked) {
    if (checked.error().kind != ActionErrorKind::not_supported) {
      not_run("pre-flight of " + generation_text(*expected) + " failed: " + checked.error().message);
      co_return;
    }
    end(preflight, StepStatus::unknown, "this agent cannot check a generation before a restart (update it); going on");
  } else {
    report_.preflight = checked.value();
    std::vector<std::string> failed;
    std::vector<std::string> warned;
    for (const auto& check : checked->checks) {
      if (check.status == protocol::CheckStatus::fail) failed.push_back(check.message);
      if (check.status == protocol::CheckStatus::warn) warned.push_back(check.message);
    }
    switch (checked->verdict) {
      case protocol::PreflightVerdict::refuse:
        end(preflight, StepStatus::failed, "pre-flight refused " + generation_text(*expected), failed);
        report_.verdict = VerifyVerdict::refused;
        report_.failed_step = "pre-flight";
        report_.message = "Pre-flight refused " + generation_text(*expected) + ": " + joined(failed) +
                          ". Nothing was restarted; the distro still runs its current generation.";
        co_return;
      case protocol::PreflightVerdict::pass:
        end(preflight, StepStatus::ok, generation_text(*expected) + " looks bootable");
        break;
      default:
        end(preflight, StepStatus::warn, generation_text(*expected) + " looks bootable, with warnings", warned);
        break;
    }
  }
  const auto good = choose_known_good(request, status->generations, *expected);
  agent->close();
  agent.reset();
  auto checking_boot = check_and_recover(*expected, good);
  co_await std::move(checking_boot);
}

asio::awaitable<void> BootVerifier::check_and_recover(int expected, std::optional<int> good) {
  report_.known_good_before = good;
  record_ = VerifyRecord{expected, good, static_cast<std::int64_t>(std::time(nullptr)), "stop"};
  if (callbacks_.on_record) callbacks_.on_record(record_);
  if (callbacks_.on_takeover) callbacks_.on_takeover("verifying that " + generation_text(expected) + " boots");

  auto restarting = restart_and_check(expected, "verify");
  auto check = co_await std::move(restarting);
  report_.booted_generation = check.booted;
  report_.activation = check.activation;
  report_.failed_units = check.failed_units;
  if (check.passed) {
    const std::string units = check.failed_units.empty()
                                  ? ""
                                  : " with failed units: " + joined(check.failed_units, ", ") +
                                        " (kept: failed units do not make a generation unbootable)";
    if (check.activation.state != protocol::ActivationState::ok) {
      // An activation that may have failed half-way must not become the generation rollbacks go
      // back to; nor is there anything to roll back from.
      report_.verdict = VerifyVerdict::unknown;
      report_.message = generation_text(expected) + " booted and systemd is running" + units +
                        ", but its activation report could not be read, so the boot is not counted as passed and " +
                        generation_text(expected) + " is not marked known-good. Check the activation by hand " +
                        "(journalctl -k -b | grep nixos-activation) and mark it good with nixtray-agent mark-good " +
                        std::to_string(expected) + ".";
      co_return;
    }
    report_.verdict = check.failed_units.empty() ? VerifyVerdict::passed : VerifyVerdict::passed_degraded;
    auto marking = mark_good(expected, *check.agent);
    co_await std::move(marking);
    report_.message = generation_text(expected) + " booted; its activation reported no errors; systemd is running" +
                      units + ". It is now the known-good generation.";
    co_return;
  }

  report_.verdict = VerifyVerdict::failed;
  report_.failed_step = check.failed_step;
  const std::string broke = generation_text(expected) + " " + check.problem + ".";
  if (!options_.auto_rollback) {
    report_.recovery = RecoveryResult::disabled;
    report_.message =
        broke + " Automatic rollback is off" +
        (good ? ": roll back with `nixtrayctl rollback " + std::to_string(*good) + "` or from the tray." : ".");
    co_return;
  }
  if (!good) {
    report_.recovery = RecoveryResult::not_recovered;
    report_.message = broke + " There is no known-good generation to roll back to.";
    co_return;
  }
  record_step("rollback");
  auto rolling_back = roll_back(*good, check.agent);
  const bool rolled_back = co_await std::move(rolling_back);
  if (check.agent) check.agent->close();
  const std::string manual =
      " Rescue by hand: run as root inside the distro " +
      generation_link(options_.distro_profile_dir.generic_string(), *good) + "/sw/bin/nixtray-agent rescue rollback " +
      std::to_string(*good) +
      " (or from the WSL system distro: wsl -d <distro> --system -u root -- /mnt/wslg/distro/bin/nixos-wsl-recovery), "
      "then restart the distro.";
  if (!rolled_back) {
    report_.recovery = RecoveryResult::not_recovered;
    report_.message = broke + " Rolling back to " + generation_text(*good) +
                      " failed: " + report_.steps.back().message + "." + manual;
    co_return;
  }
  report_.rolled_back_to = good;
  auto rechecking = restart_and_check(*good, "recover");
  auto again = co_await std::move(rechecking);
  report_.recovery_booted_generation = again.booted;
  if (again.agent) again.agent->close();
  if (again.passed) {
    report_.recovery = RecoveryResult::recovered;
    report_.message = broke + " Rolled back to " + generation_text(*good) + ", which booted.";
  } else {
    report_.recovery = RecoveryResult::not_recovered;
    report_.message = broke + " Rolled back to " + generation_text(*good) + ", but it " + again.problem + "." + manual;
  }
}

asio::awaitable<bool> BootVerifier::rebuild(RebuildRequest request) {
  const auto step = begin("rebuild", "verify", "rebuilding the configuration (mode boot)");
  const auto failed = [&](VerifyVerdict verdict, std::string why) {
    end(step, StepStatus::failed, why);
    report_.verdict = verdict;
    report_.failed_step = "rebuild";
    report_.message = why + ". Nothing was restarted.";
  };
  auto opening = connect_once();
  auto opened = co_await std::move(opening);
  if (const auto* failure = std::get_if<ConnectionFailure>(&opened)) {
    failed(VerifyVerdict::not_run, "the agent does not answer: " + failure->message);
    co_return false;
  }
  auto agent = std::get<std::shared_ptr<AgentConnection>>(opened);
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rebuild;
  params.mode = protocol::RebuildMode::boot;
  params.flake = request.flake;
  if (request.upgrade) params.upgrade = true;
  auto running = run_job_to_end(agent, params, options_.job_timeout, options_.poll_interval,
                                [this, step](const protocol::Job& job) {
                                  report_.rebuild_job = job.id;
                                  auto& shown = report_.steps.at(step);
                                  const auto phase = protocol::json(job.progress.phase).get<std::string>();
                                  const auto text = "job " + job.id + ": " + phase;
                                  if (shown.message != text) {
                                    shown.message = text;
                                    if (callbacks_.on_step) callbacks_.on_step(shown);
                                  }
                                });
  auto job = co_await std::move(running);
  agent->close();
  if (!job) {
    failed(VerifyVerdict::rebuild_failed, "the rebuild could not run: " + job.error().message);
    co_return false;
  }
  if (job->state != protocol::JobState::succeeded) {
    failed(VerifyVerdict::rebuild_failed, "the rebuild (job " + job->id + ") " +
                                              protocol::json(job->state).get<std::string>() +
                                              (job->summary ? ": " + *job->summary : std::string()));
    co_return false;
  }
  end(step, StepStatus::ok,
      "job " + job->id + " built the configuration" +
          (job->generation_after ? " as " + generation_text(*job->generation_after) : std::string()) +
          ", which boots next");
  co_return true;
}

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
  const auto start = begin("start", phase, "starting the distro");
  auto starting = control_->start();
  const auto started = co_await std::move(starting);
  if (!started.ok) {
    // A start command may fail for its own reasons while the distro runs: ask before judging.
    auto probing = control_->is_running();
    const auto probe = co_await std::move(probing);
    if (probe.state == RunningState::stopped || probe.state == RunningState::missing) {
      end(start, StepStatus::failed, "the distro did not start: " + started.message);
      check.failed_step = "start";
      check.problem = "did not start: " + started.message;
      co_return check;
    }
    end(start, StepStatus::warn, "the start command failed (" + started.message + "), but the distro runs");
  } else {
    end(start, StepStatus::ok, "the distro was started");
  }

  record_step("agent");
  bool distro_died = false;
  auto waiting = wait_for_agent(phase, distro_died);
  check.agent = co_await std::move(waiting);
  if (!check.agent) {
    check.failed_step = "agent";
    check.problem = distro_died ? "did not come up: the distro stopped while it booted"
                                : "did not come up: no agent answered within " + seconds_text(options_.boot_timeout) +
                                      " of the start";
    co_return check;
  }

  record_step("generation");
  const auto generation = begin("generation", phase, "asking which generation booted");
  auto asking = check.agent->call<protocol::StatusMethod>(protocol::NoParams{});
  auto status = co_await std::move(asking);
  if (!status) {
    end(generation, StepStatus::failed, "the agent did not answer status: " + status.error().message);
    check.failed_step = "generation";
    check.problem = "could not be checked: the agent did not answer status (" + status.error().message + ")";
    co_return check;
  }
  check.booted = status->generations.booted;
  if (check.booted != expected) {
    const std::string booted = check.booted ? generation_text(*check.booted) : std::string("an unknown generation");
    end(generation, StepStatus::failed, booted + " booted, not " + generation_text(expected));
    check.failed_step = "generation";
    check.problem = "did not boot: " + booted + " booted instead";
    co_return check;
  }
  end(generation, StepStatus::ok, generation_text(expected) + " booted");

  record_step("activation");
  const auto activation = begin("activation", phase, "reading the activation report");
  check.activation = status->activation;
  switch (check.activation.state) {
    case protocol::ActivationState::errors:
      end(activation, StepStatus::failed,
          "the activation reported " + std::to_string(check.activation.lines.size()) + " error(s)",
          check.activation.lines);
      check.failed_step = "activation";
      check.problem = "booted, but its activation reported errors: " + joined(check.activation.lines);
      co_return check;
    case protocol::ActivationState::ok:
      end(activation, StepStatus::ok, "the activation reported no errors");
      break;
    case protocol::ActivationState::unknown:
      end(activation, StepStatus::unknown,
          "the activation report could not be read: unknown (not counted as passed, not as failed)");
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

  const auto units = begin("units", phase, "collecting failed units");
  check.failed_units = unit_names(settled->failed_units);
  if (check.failed_units.empty()) {
    end(units, StepStatus::ok, "no unit failed");
  } else {
    end(units, StepStatus::warn,
        std::to_string(check.failed_units.size()) + " unit(s) failed: " + joined(check.failed_units, ", "),
        check.failed_units);
  }
  check.passed = true;
  co_return check;
}

asio::awaitable<bool> BootVerifier::stop_distro(std::string phase) {
  const auto step = begin("stop", phase, "shutting the distro down");
  auto terminating = control_->terminate();
  const auto terminated = co_await std::move(terminating);
  const auto deadline = Clock::now() + options_.stop_timeout;
  for (;;) {
    auto probing = control_->is_running();
    const auto probe = co_await std::move(probing);
    if (probe.state == RunningState::stopped || probe.state == RunningState::missing) {
      end(step, StepStatus::ok, terminated.ok ? "the distro stopped" : "the distro was not running");
      co_return true;
    }
    if (probe.state == RunningState::unknown && terminated.ok) {
      end(step, StepStatus::ok,
          "the distro was shut down (whether it still runs cannot be asked: " + probe.detail + ")");
      co_return true;
    }
    if (!terminated.ok) {
      end(step, StepStatus::failed, "cannot shut the distro down: " + terminated.message);
      co_return false;
    }
    if (Clock::now() >= deadline) {
      end(step, StepStatus::failed,
          "the distro still runs " + seconds_text(options_.stop_timeout) + " after it was shut down");
      co_return false;
    }
    auto nap = pause_for(options_.poll_interval);
    co_await std::move(nap);
  }
}

asio::awaitable<std::shared_ptr<AgentConnection>> BootVerifier::wait_for_agent(std::string phase, bool& distro_died) {
  const auto step = begin("agent", phase, "waiting for the agent to answer");
  const auto started = Clock::now();
  const auto deadline = started + options_.boot_timeout;
  // A distro that ended during its boot is not coming back: look now and then (twice in a row,
  // since a distro may look stopped for a moment while WSL starts it).
  constexpr milliseconds power_check_interval{2'000};
  auto next_power_check = started + power_check_interval;
  int stopped_probes = 0;
  std::string last_failure;
  for (;;) {
    auto opening = connect_once();
    auto opened = co_await std::move(opening);
    if (auto* connection = std::get_if<std::shared_ptr<AgentConnection>>(&opened)) {
      end(step, StepStatus::ok,
          "the agent answered " + seconds_text(std::chrono::duration_cast<milliseconds>(Clock::now() - started)) +
              " after the start");
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
        end(step, StepStatus::failed, "the distro stopped while it booted (last: " + last_failure + ")");
        co_return nullptr;
      }
    }
    if (Clock::now() >= deadline) {
      end(step, StepStatus::failed,
          "no agent answered within " + seconds_text(options_.boot_timeout) + " (last: " + last_failure + ")");
      co_return nullptr;
    }
    auto nap = pause_for(options_.poll_interval);
    co_await std::move(nap);
  }
}

asio::awaitable<std::optional<protocol::Status>> BootVerifier::wait_for_systemd(AgentConnection& agent,
                                                                                std::string phase) {
  const auto step = begin("systemd", phase, "waiting for systemd to finish starting");
  const auto deadline = Clock::now() + options_.settle_timeout;
  for (;;) {
    auto asking = agent.call<protocol::StatusMethod>(protocol::NoParams{});
    auto status = co_await std::move(asking);
    if (!status) {
      end(step, StepStatus::failed, "the agent stopped answering: " + status.error().message);
      co_return std::nullopt;
    }
    const auto state = status->system_state;
    if (state == protocol::SystemState::running || state == protocol::SystemState::degraded) {
      end(step, StepStatus::ok, "systemd is " + state_name(state));
      co_return std::move(status.value());
    }
    if (Clock::now() >= deadline) {
      end(step, StepStatus::failed,
          "systemd is still " + state_name(state) + " after " + seconds_text(options_.settle_timeout) + " (" +
              std::to_string(status->systemd_jobs) + " jobs queued)");
      co_return std::nullopt;
    }
    auto nap = pause_for(options_.poll_interval);
    co_await std::move(nap);
  }
}

asio::awaitable<bool> BootVerifier::roll_back(int good, std::shared_ptr<AgentConnection> agent) {
  const auto step = begin("rollback", "recover", "rolling back to " + generation_text(good));
  std::string agent_problem;
  if (agent && agent->is_open() && agent->supports(protocol::JobsStartMethod::name)) {
    protocol::JobStartParams params;
    params.kind = protocol::JobKind::rollback;
    params.mode = protocol::RebuildMode::boot;
    params.to = good;
    auto running = run_job_to_end(agent, params, options_.job_timeout, options_.poll_interval, {});
    auto job = co_await std::move(running);
    if (job && job->state == protocol::JobState::succeeded) {
      end(step, StepStatus::ok,
          "the agent's rollback job " + job->id + " made " + generation_text(good) + " the generation that boots next");
      co_return true;
    }
    agent_problem = job ? "its rollback job " + job->id + " " + protocol::json(job->state).get<std::string>() +
                              (job->summary ? ": " + *job->summary : std::string())
                        : job.error().message;
  } else {
    agent_problem = "the agent does not answer";
  }
  // From outside, with absolute paths only: there may be no PATH, and no working login.
  const auto argv = rescue_rollback_argv(options_.distro_profile_dir.generic_string(), good);
  const std::string command = quote_command_line(argv);
  auto rescuing = control_->run_as_root(argv);
  const auto rescued = co_await std::move(rescuing);
  if (rescued.ok) {
    end(step, StepStatus::ok, agent_problem + ", so it was rolled back from outside: " + command);
    co_return true;
  }
  end(step, StepStatus::failed, agent_problem + ", and the rescue from outside failed: " + rescued.message);
  co_return false;
}

asio::awaitable<void> BootVerifier::mark_good(int generation, AgentConnection& agent) {
  const auto step = begin("mark-good", "verify", "recording " + generation_text(generation) + " as known-good");
  protocol::MarkGoodParams params;
  params.number = generation;
  auto marking = agent.call<protocol::GenerationsMarkGoodMethod>(params);
  const auto marked = co_await std::move(marking);
  agent.close();
  if (callbacks_.on_known_good) callbacks_.on_known_good(generation);
  if (marked) {
    end(step, StepStatus::ok, generation_text(generation) + " is the known-good generation (agent and host)");
  } else {
    end(step, StepStatus::warn,
        "the agent could not record it (" + marked.error().message + "); the host remembers " +
            generation_text(generation) + " as known-good");
  }
}

}  // namespace nixtray::tray
