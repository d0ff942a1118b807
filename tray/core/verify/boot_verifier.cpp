// The boot check as a whole: rebuild first when asked, pre-flight, then the restart and the
// decision (boot_check.cpp, boot_recovery.cpp); the steps' bookkeeping, and the record of a check
// under way that the host persists (on_record) so that a tray dying half-way finds it.
#include "core/verify/boot_verifier.hpp"

#include "core/verify/verifier_text.hpp"

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/verify.hpp"

namespace nixtray::tray {

namespace asio = net::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

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

// `why` as a sentence of the report's message: a full stop unless it ends in its own ("...?").
std::string as_sentence(std::string why) {
  if (why.empty() || (why.back() != '.' && why.back() != '?' && why.back() != '!')) why += '.';
  return why;
}

}  // namespace

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
    busy.message = "boot verification is already running";
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
    report_.message = std::string("boot verification stopped on an internal error: ") + e.what();
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
    report_.message = "Boot verification could not run: " + as_sentence(why) + " Nothing was restarted.";
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
  if (status->verification.generation == expected) report_.store_path = status->verification.store_path;
  auto recording = record_started(agent, *expected);
  co_await std::move(recording);
  agent->close();
  agent.reset();
  auto checking_boot = check_and_recover(*expected, good);
  co_await std::move(checking_boot);
}

asio::awaitable<bool> BootVerifier::rebuild(RebuildRequest request) {
  const auto step = begin("rebuild", "verify", "rebuilding the configuration (mode boot)");
  const auto failed = [&](VerifyVerdict verdict, std::string why) {
    end(step, StepStatus::failed, why);
    report_.verdict = verdict;
    report_.failed_step = "rebuild";
    report_.message = as_sentence(why) + " Nothing was restarted.";
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

}  // namespace nixtray::tray
