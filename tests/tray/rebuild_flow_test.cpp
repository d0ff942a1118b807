#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/rebuild_flow.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

protocol::Job finished_job(const std::string& id, protocol::JobState state, std::optional<int> before = 42,
                           std::optional<int> after = 43) {
  auto j = job(id, state);
  j.generation_before = before;
  j.generation_after = after;
  return j;
}

}  // namespace

TEST_CASE("review: build first, ask, then activate, then show what changed") {
  RebuildFlow flow;
  auto command = flow.begin(protocol::RebuildMode::switch_, "/etc/nixos#nixos", true);
  CHECK(flow.step() == RebuildStep::building);
  auto* start = std::get_if<RebuildFlow::StartJob>(&command);
  REQUIRE(start);
  CHECK(start->request.mode == protocol::RebuildMode::build);
  CHECK(start->request.flake == "/etc/nixos#nixos");

  flow.job_started("20");
  CHECK(std::holds_alternative<std::monostate>(flow.job_updated(job("20", protocol::JobState::running))));
  // Someone else's job does not move the flow.
  flow.job_updated(finished_job("19", protocol::JobState::failed));
  CHECK(flow.step() == RebuildStep::building);

  flow.job_updated(finished_job("20", protocol::JobState::succeeded, 42, 42));
  CHECK(flow.step() == RebuildStep::reviewing);
  // The protocol gap: no diff of an unregistered build, and the review says so.
  CHECK_FALSE(flow.diff());
  CHECK(flow.diff_note().find("cannot show which packages change") != std::string::npos);
  CHECK(flow.question().find("Activate it now (switch)") != std::string::npos);

  command = flow.confirm();
  start = std::get_if<RebuildFlow::StartJob>(&command);
  REQUIRE(start);
  CHECK(start->request.mode == protocol::RebuildMode::switch_);
  CHECK(flow.step() == RebuildStep::activating);
  flow.job_started("21");

  command = flow.job_updated(finished_job("21", protocol::JobState::succeeded, 42, 43));
  CHECK(flow.step() == RebuildStep::finished);
  const auto* diff = std::get_if<RebuildFlow::FetchDiff>(&command);
  REQUIRE(diff);
  CHECK(diff->from == 42);
  CHECK(diff->to == 43);
  flow.diff_received(golden_result<protocol::GenerationsDiff>("generations.diff.result.json"));
  REQUIRE(flow.diff());
  CHECK(flow.diff()->changes.size() == 5);
}

TEST_CASE("without review the chosen mode runs at once") {
  RebuildFlow flow;
  auto command = flow.begin(protocol::RebuildMode::boot, std::nullopt, false);
  CHECK(flow.step() == RebuildStep::activating);
  REQUIRE(std::get_if<RebuildFlow::StartJob>(&command));
  CHECK(std::get<RebuildFlow::StartJob>(command).request.mode == protocol::RebuildMode::boot);
  CHECK_FALSE(std::get<RebuildFlow::StartJob>(command).request.flake);
}

TEST_CASE("build and dry-build are never reviewed") {
  RebuildFlow flow;
  auto command = flow.begin(protocol::RebuildMode::dry_build, std::nullopt, true);
  CHECK(flow.step() == RebuildStep::activating);
  CHECK(std::get<RebuildFlow::StartJob>(command).request.mode == protocol::RebuildMode::dry_build);
}

TEST_CASE("declining after the build ends the flow") {
  RebuildFlow flow;
  flow.begin(protocol::RebuildMode::test, std::nullopt, true);
  flow.job_started("5");
  flow.job_updated(finished_job("5", protocol::JobState::succeeded));
  CHECK(flow.question().find("(test)") != std::string::npos);
  flow.decline();
  CHECK(flow.step() == RebuildStep::cancelled);
  CHECK_FALSE(flow.active());
}

TEST_CASE("a failed build ends the flow with the job's summary") {
  RebuildFlow flow;
  flow.begin(protocol::RebuildMode::switch_, std::nullopt, true);
  flow.job_started("5");
  flow.job_updated(finished_job("5", protocol::JobState::failed));
  CHECK(flow.step() == RebuildStep::failed);
  CHECK(flow.failure() == "Build of hello-2.12.1 failed in buildPhase (job 5)");
  CHECK(flow.job_id() == "5");
}

TEST_CASE("a job that cannot start ends the flow with the reason") {
  RebuildFlow flow;
  flow.begin(protocol::RebuildMode::switch_, std::nullopt, true);
  flow.job_start_failed(ActionError{ActionErrorKind::busy, "job 17 (rebuild) is running", -32002, nullptr});
  CHECK(flow.step() == RebuildStep::failed);
  CHECK(flow.failure() == "job 17 (rebuild) is running");
}

TEST_CASE("a second begin while the flow runs is ignored") {
  RebuildFlow flow;
  flow.begin(protocol::RebuildMode::switch_, std::nullopt, true);
  CHECK(std::holds_alternative<std::monostate>(flow.begin(protocol::RebuildMode::boot, std::nullopt, true)));
  CHECK(flow.mode() == protocol::RebuildMode::switch_);
}

TEST_CASE("a test activation adds no generation, so there is nothing to diff") {
  RebuildFlow flow;
  flow.begin(protocol::RebuildMode::test, std::nullopt, false);
  flow.job_started("8");
  const auto command = flow.job_updated(finished_job("8", protocol::JobState::succeeded, 42, 42));
  CHECK(flow.step() == RebuildStep::finished);
  CHECK(std::holds_alternative<std::monostate>(command));
}

TEST_CASE("a diff the agent cannot give is explained") {
  RebuildFlow flow;
  flow.begin(protocol::RebuildMode::switch_, std::nullopt, false);
  flow.job_started("8");
  flow.job_updated(finished_job("8", protocol::JobState::succeeded));
  flow.diff_received(ActionError{ActionErrorKind::not_supported, "not supported by this agent", -32601, nullptr});
  CHECK(flow.diff_note().find("not supported by this agent") != std::string::npos);
}
