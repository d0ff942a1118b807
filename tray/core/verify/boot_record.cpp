// What the verifier records through the agent, the source of truth every client reads
// (verify.record, docs/protocol.md §6.17): started before the restart, passed from the checked
// boot (the agent's probation then makes it known-good), failed after the rollback from the first
// boot that answers, so the agent collects the failed boot's evidence; inconclusive when the
// checked boot gave no verdict. An agent without
// verify.record gets generations.mark_good on a pass, as before.
#include "core/verify/boot_verifier.hpp"

#include "core/state/state_text.hpp"
#include "core/system/local_time.hpp"
#include "core/verify/verifier_text.hpp"

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/verification.hpp"

#include <ctime>
#include <iomanip>
#include <sstream>

namespace nixtray::tray {

namespace asio = net::asio;

namespace {

std::string clock_text(std::int64_t unix_seconds) { return local_time_text(unix_seconds, "%H:%M"); }

}  // namespace

asio::awaitable<void> BootVerifier::record_started(std::shared_ptr<AgentConnection> agent, int generation) {
  if (!agent->supports(protocol::VerifyRecordMethod::name)) co_return;
  protocol::VerifyRecordParams params;
  params.generation = generation;
  params.store_path = report_.store_path;
  params.outcome = protocol::VerifyOutcome::started;
  // Not fatal when it fails: the check does not need the record, and its end is recorded again.
  auto recording = agent->call<protocol::VerifyRecordMethod>(params);
  co_await std::move(recording);
}

asio::awaitable<void> BootVerifier::record_failed(std::shared_ptr<AgentConnection> agent, int generation) {
  if (!agent || !agent->is_open() || !agent->supports(protocol::VerifyRecordMethod::name)) co_return;
  protocol::VerifyRecordParams params;
  params.generation = generation;
  params.store_path = report_.store_path;
  params.outcome = protocol::VerifyOutcome::failed;
  // Within verify.record's limits (4096 and 64 bytes), cut at a character boundary.
  params.reason = shorten(report_.message, 4000);
  if (!report_.failed_step.empty()) params.step = shorten(report_.failed_step, 60);
  auto recording = agent->call<protocol::VerifyRecordMethod>(params);
  auto recorded = co_await std::move(recording);
  if (recorded) report_.verification = std::move(recorded.value());
}

// The boot gave no verdict (its activation report could not be read): the agent shows the
// generation unverified with the reason, instead of a check that stays `verifying`. An agent that
// does not know the outcome answers -32602: the check ends the same, the agent's timeout ends it.
asio::awaitable<void> BootVerifier::record_inconclusive(std::shared_ptr<AgentConnection> agent, int generation) {
  if (!agent || !agent->is_open() || !agent->supports(protocol::VerifyRecordMethod::name)) co_return;
  protocol::VerifyRecordParams params;
  params.generation = generation;
  params.store_path = report_.store_path;
  params.outcome = protocol::VerifyOutcome::inconclusive;
  params.reason = shorten(report_.message, 4000);
  auto recording = agent->call<protocol::VerifyRecordMethod>(params);
  auto recorded = co_await std::move(recording);
  if (recorded) report_.verification = std::move(recorded.value());
}

asio::awaitable<void> BootVerifier::mark_good(int generation, AgentConnection& agent) {
  const auto number = std::to_string(generation);
  const auto step = begin("mark-good", "verify", sentence("recording that generation %s passed", {number}));
  if (agent.supports(protocol::VerifyRecordMethod::name)) {
    protocol::VerifyRecordParams params;
    params.generation = generation;
    params.store_path = report_.store_path;
    params.outcome = protocol::VerifyOutcome::passed;
    if (!report_.failed_units.empty()) {
      params.reason = shorten("passed with failed units: " + joined(report_.failed_units, ", "), 4000);
    }
    auto recording = agent.call<protocol::VerifyRecordMethod>(params);
    auto recorded = co_await std::move(recording);
    agent.close();
    if (recorded) {
      report_.verification = recorded.value();
      const auto& probation = recorded->verification.probation;
      if (!probation || probation->state == protocol::ProbationState::passed) {
        if (callbacks_.on_known_good) callbacks_.on_known_good(generation);
        end(step, StepStatus::ok, sentence("generation %s is verified and the known-good generation", {number}));
      } else {
        end(step, StepStatus::ok,
            sentence("generation %1$s is verified; it becomes the known-good generation after its probation, at "
                     "%2$s, if no unit fails before",
                     {number, clock_text(probation->until)}));
      }
      co_return;
    }
    end(step, StepStatus::warn,
        sentence("the agent could not record the pass (%1$s); generation %2$s stays unverified there",
                 {recorded.error().message, number}));
    co_return;
  }
  protocol::MarkGoodParams params;
  params.number = generation;
  auto marking = agent.call<protocol::GenerationsMarkGoodMethod>(params);
  const auto marked = co_await std::move(marking);
  agent.close();
  if (callbacks_.on_known_good) callbacks_.on_known_good(generation);
  if (marked) {
    end(step, StepStatus::ok, sentence("generation %s is the known-good generation (agent and host)", {number}));
  } else {
    end(step, StepStatus::warn,
        sentence("the agent could not record it (%1$s); the host remembers generation %2$s as known-good",
                 {marked.error().message, number}));
  }
}

}  // namespace nixtray::tray
