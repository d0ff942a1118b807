// After the restart: keep the generation (marked known-good on the agent and the host) or roll
// back to the known-good one, by the agent's rollback job or from outside with the distro
// control's run-as-root, and check that one boots.
#include "core/verify/boot_verifier.hpp"

#include "core/distro/process_runner.hpp"
#include "core/verify/rescue_command.hpp"
#include "core/verify/verifier_text.hpp"

#include "nixtray/protocol/generations.hpp"

#include <ctime>

namespace nixtray::tray {

namespace asio = net::asio;

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
      auto recording = record_inconclusive(check.agent, expected);
      co_await std::move(recording);
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
    auto recording = record_failed(check.agent, expected);
    co_await std::move(recording);
    co_return;
  }
  if (!good) {
    report_.recovery = RecoveryResult::not_recovered;
    report_.message = broke + " There is no known-good generation to roll back to.";
    auto recording = record_failed(check.agent, expected);
    co_await std::move(recording);
    co_return;
  }
  record_step("rollback");
  auto rolling_back = roll_back(*good, check.agent);
  const bool rolled_back = co_await std::move(rolling_back);
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
    auto recording = record_failed(check.agent, expected);
    co_await std::move(recording);
    if (check.agent) check.agent->close();
    co_return;
  }
  if (check.agent) check.agent->close();
  report_.rolled_back_to = good;
  auto rechecking = restart_and_check(*good, "recover");
  auto again = co_await std::move(rechecking);
  report_.recovery_booted_generation = again.booted;
  if (again.passed) {
    report_.recovery = RecoveryResult::recovered;
    report_.message = broke + " Rolled back to " + generation_text(*good) + ", which booted.";
  } else {
    report_.recovery = RecoveryResult::not_recovered;
    report_.message = broke + " Rolled back to " + generation_text(*good) + ", but it " + again.problem + "." + manual;
  }
  // From the boot after the rollback: the agent then reads the failed boot's journal.
  auto recording = record_failed(again.agent, expected);
  co_await std::move(recording);
  if (again.agent) again.agent->close();
}

asio::awaitable<bool> BootVerifier::roll_back(int good, std::shared_ptr<AgentConnection> agent) {
  const auto step = begin("rollback", "recover", sentence("rolling back to generation %s", {std::to_string(good)}));
  Sentence agent_problem;
  if (agent && agent->is_open() && agent->supports(protocol::JobsStartMethod::name)) {
    protocol::JobStartParams params;
    params.kind = protocol::JobKind::rollback;
    params.mode = protocol::RebuildMode::boot;
    params.to = good;
    auto running = run_job_to_end(agent, params, options_.job_timeout, options_.poll_interval, {});
    auto job = co_await std::move(running);
    if (job && job->state == protocol::JobState::succeeded) {
      end(step, StepStatus::ok,
          sentence("the agent's rollback job %1$s made generation %2$s the generation that boots next",
                   {job->id, std::to_string(good)}));
      co_return true;
    }
    if (!job) {
      agent_problem = sentence("%s", {job.error().message});
    } else {
      const auto state = protocol::json(job->state).get<std::string>();
      agent_problem = job->summary ? sentence("its rollback job %1$s %2$s: %3$s", {job->id, state, *job->summary})
                                   : sentence("its rollback job %1$s %2$s", {job->id, state});
    }
  } else {
    agent_problem = sentence("the agent does not answer");
  }
  // From outside, with absolute paths only: there may be no PATH, and no working login.
  const auto argv = rescue_rollback_argv(options_.distro_profile_dir.generic_string(), good);
  const std::string command = quote_command_line(argv);
  auto rescuing = control_->run_as_root(argv);
  const auto rescued = co_await std::move(rescuing);
  if (rescued.ok) {
    end(step, StepStatus::ok,
        sentence("%1$s, so it was rolled back from outside: %2$s", {std::string(), command}).nest(0, agent_problem));
    co_return true;
  }
  end(step, StepStatus::failed,
      sentence("%1$s, and the rescue from outside failed: %2$s", {std::string(), rescued.message})
          .nest(0, agent_problem));
  co_return false;
}

}  // namespace nixtray::tray
