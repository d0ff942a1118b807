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

// How long a step's name waits before it is saved (record_step): longer than the quick steps
// between the start and the console take together, far shorter than a restart.
constexpr milliseconds record_step_save_delay{50};

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
      callbacks_(std::move(callbacks)),
      record_step_save_(executor_) {}

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
  record_step_save_.cancel();
  record_step_pending_ = false;
  if (record_) {
    record_.reset();
    if (callbacks_.on_record) callbacks_.on_record(std::nullopt);
  }
  running_ = false;
  if (callbacks_.on_finished) callbacks_.on_finished(report_);
}

std::size_t BootVerifier::begin(std::string name, std::string phase, Sentence message) {
  VerifyStep step;
  step.name = std::move(name);
  step.phase = std::move(phase);
  step.message = message.english();
  step.said = std::move(message);
  report_.steps.push_back(step);
  step_starts_.push_back(Clock::now());
  if (callbacks_.on_step) callbacks_.on_step(step);
  return report_.steps.size() - 1;
}

void BootVerifier::end(std::size_t index, StepStatus status, Sentence message, std::vector<std::string> lines) {
  auto& step = report_.steps.at(index);
  step.status = status;
  step.message = message.english();
  step.said = std::move(message);
  step.lines = std::move(lines);
  step.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - step_starts_.at(index));
  if (callbacks_.on_step) callbacks_.on_step(step);
}

// The step's name is only for the report of a check that was interrupted: resuming needs the
// generation and the known-good one, saved before the restart (check_and_recover). So it is saved
// once the step is under way, and steps that follow each other quickly are saved once: a save
// writes and syncs the settings file (about 2 ms), and at every step they were most of what the
// check added between its steps.
void BootVerifier::record_step(const std::string& step) {
  if (!record_ || record_->step == step) return;
  record_->step = step;
  if (record_step_pending_) return;
  record_step_pending_ = true;
  record_step_save_.expires_after(record_step_save_delay);
  record_step_save_.async_wait([self = shared_from_this()](const net::error_code& ec) {
    if (!ec) self->save_record();
  });
}

void BootVerifier::save_record() {
  record_step_pending_ = false;
  if (record_ && callbacks_.on_record) callbacks_.on_record(record_);
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

  const auto preflight = begin("pre-flight", "verify", sentence("checking the generation that boots next"));
  const auto not_run = [&](const Sentence& why) {
    end(preflight, StepStatus::failed, why);
    report_.verdict = VerifyVerdict::not_run;
    report_.failed_step = "pre-flight";
    report_.message = "Boot verification could not run: " + as_sentence(why.english()) + " Nothing was restarted.";
  };
  if (!control_ || !control_->has_lifecycle()) {
    not_run(sentence("the distro control (%s) cannot stop and start the distro",
                     {control_ ? control_->describe() : std::string("none")}));
    co_return;
  }
  auto opening = connect_once();
  auto opened = co_await std::move(opening);
  if (const auto* failure = std::get_if<ConnectionFailure>(&opened)) {
    if (request.interrupted) {
      // The interrupted check had passed pre-flight: resume it with what it had recorded.
      const auto& record = *request.interrupted;
      end(preflight, StepStatus::skipped,
          sentence("the agent does not answer (%1$s); resuming the interrupted check of generation %2$s, which had "
                   "passed pre-flight",
                   {failure->message, std::to_string(record.expected_generation)}));
      report_.expected_generation = record.expected_generation;
      const auto good =
          record.known_good_before != record.expected_generation ? record.known_good_before : std::nullopt;
      auto checking = check_and_recover(record.expected_generation, good);
      co_await std::move(checking);
      co_return;
    }
    not_run(sentence("the agent does not answer (%s), so the generation cannot be checked before a restart",
                     {failure->message}));
    co_return;
  }
  auto agent = std::get<std::shared_ptr<AgentConnection>>(opened);
  auto asking = agent->call<protocol::StatusMethod>(protocol::NoParams{});
  auto status = co_await std::move(asking);
  if (!status) {
    not_run(sentence("the agent did not answer status: %s", {status.error().message}));
    co_return;
  }
  const auto expected = status->generations.default_generation;
  if (!expected) {
    not_run(sentence("the system profile points at no generation"));
    co_return;
  }
  report_.expected_generation = expected;

  protocol::PreflightParams preflight_params;
  preflight_params.number = *expected;
  auto checking = agent->call<protocol::VerifyPreflightMethod>(preflight_params);
  auto checked = co_await std::move(checking);
  if (!checked) {
    if (checked.error().kind != ActionErrorKind::not_supported) {
      not_run(
          sentence("pre-flight of generation %1$s failed: %2$s", {std::to_string(*expected), checked.error().message}));
      co_return;
    }
    end(preflight, StepStatus::unknown,
        sentence("this agent cannot check a generation before a restart (update it); going on"));
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
        end(preflight, StepStatus::failed, sentence("pre-flight refused generation %s", {std::to_string(*expected)}),
            failed);
        report_.verdict = VerifyVerdict::refused;
        report_.failed_step = "pre-flight";
        report_.message = "Pre-flight refused " + generation_text(*expected) + ": " + joined(failed) +
                          ". Nothing was restarted; the distro still runs its current generation.";
        co_return;
      case protocol::PreflightVerdict::pass:
        end(preflight, StepStatus::ok, sentence("generation %s looks bootable", {std::to_string(*expected)}));
        break;
      default:
        end(preflight, StepStatus::warn,
            sentence("generation %s looks bootable, with warnings", {std::to_string(*expected)}), warned);
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
  const auto step = begin("rebuild", "verify", sentence("rebuilding the configuration (mode boot)"));
  const auto failed = [&](VerifyVerdict verdict, const Sentence& why) {
    end(step, StepStatus::failed, why);
    report_.verdict = verdict;
    report_.failed_step = "rebuild";
    report_.message = as_sentence(why.english()) + " Nothing was restarted.";
  };
  auto opening = connect_once();
  auto opened = co_await std::move(opening);
  if (const auto* failure = std::get_if<ConnectionFailure>(&opened)) {
    failed(VerifyVerdict::not_run, sentence("the agent does not answer: %s", {failure->message}));
    co_return false;
  }
  auto agent = std::get<std::shared_ptr<AgentConnection>>(opened);
  protocol::JobStartParams params;
  params.kind = protocol::JobKind::rebuild;
  params.mode = protocol::RebuildMode::boot;
  // A built system (an update's result) is made the next boot as it is: no flake, nothing built.
  params.system = request.system;
  if (!request.system) params.flake = request.flake;
  if (request.upgrade) params.upgrade = true;
  auto running = run_job_to_end(agent, params, options_.job_timeout, options_.poll_interval,
                                [this, step](const protocol::Job& job) {
                                  report_.rebuild_job = job.id;
                                  auto& shown = report_.steps.at(step);
                                  const auto phase = protocol::json(job.progress.phase).get<std::string>();
                                  auto text = sentence("job %1$s: %2$s", {job.id, phase});
                                  if (shown.said != text) {
                                    shown.message = text.english();
                                    shown.said = std::move(text);
                                    if (callbacks_.on_step) callbacks_.on_step(shown);
                                  }
                                });
  auto job = co_await std::move(running);
  agent->close();
  if (!job) {
    failed(VerifyVerdict::rebuild_failed, sentence("the rebuild could not run: %s", {job.error().message}));
    co_return false;
  }
  if (job->state != protocol::JobState::succeeded) {
    const auto state = protocol::json(job->state).get<std::string>();
    failed(VerifyVerdict::rebuild_failed,
           job->summary ? sentence("the rebuild (job %1$s) %2$s: %3$s", {job->id, state, *job->summary})
                        : sentence("the rebuild (job %1$s) %2$s", {job->id, state}));
    co_return false;
  }
  end(step, StepStatus::ok,
      job->generation_after ? sentence("job %1$s built the configuration as generation %2$s, which boots next",
                                       {job->id, std::to_string(*job->generation_after)})
                            : sentence("job %s built the configuration, which boots next", {job->id}));
  co_return true;
}

}  // namespace nixtray::tray
