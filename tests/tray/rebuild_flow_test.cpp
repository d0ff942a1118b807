#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/state/rebuild_flow.hpp"

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

TEST_CASE("review: build first, compare the build with the current generation, ask, then activate that build") {
  RebuildFlow flow;
  auto command = flow.begin(protocol::RebuildMode::switch_, "/etc/nixos#nixos", true);
  CHECK(flow.step() == RebuildStep::building);
  auto* start = std::get_if<RebuildFlow::StartJob>(&command);
  REQUIRE(start);
  CHECK(start->request.mode == protocol::RebuildMode::build);
  CHECK(start->request.flake == "/etc/nixos#nixos");
  CHECK_FALSE(start->request.system);

  flow.job_started("20");
  CHECK(std::holds_alternative<std::monostate>(flow.job_updated(job("20", protocol::JobState::running))));
  // Someone else's job does not move the flow.
  flow.job_updated(finished_job("19", protocol::JobState::failed));
  CHECK(flow.step() == RebuildStep::building);

  const std::string built = "/nix/store/8a7b6c5d4e3f2g1h0i9j8k7l6m5n4p3q-nixos-system-nixos-24.05.20240602.1234567";
  auto build = finished_job("20", protocol::JobState::succeeded, 42, 42);
  build.result_path = built;
  // The build is compared with the generation running now, not with the one that boots next.
  command = flow.job_updated(build, 41);
  CHECK(flow.step() == RebuildStep::comparing);
  CHECK(flow.active());
  const auto* fetch = std::get_if<RebuildFlow::FetchDiff>(&command);
  REQUIRE(fetch);
  CHECK(fetch->params.from == 41);
  CHECK_FALSE(fetch->params.to);
  CHECK(fetch->params.to_path == built);

  // The diff is there before the question is.
  flow.diff_received(golden_result<protocol::GenerationsDiff>("generations.diff.result.to_path.json"));
  CHECK(flow.step() == RebuildStep::reviewing);
  REQUIRE(flow.diff());
  CHECK(flow.diff()->to_path == built);
  CHECK(flow.diff_note().empty());
  CHECK(flow.question().find("Activate it now (switch)") != std::string::npos);

  command = flow.confirm();
  start = std::get_if<RebuildFlow::StartJob>(&command);
  REQUIRE(start);
  CHECK(start->request.mode == protocol::RebuildMode::switch_);
  // What was reviewed is what gets activated: the built path, not a new build of the flake.
  CHECK(start->request.system == built);
  CHECK_FALSE(start->request.flake);
  CHECK(flow.step() == RebuildStep::activating);
  flow.job_started("21");

  command = flow.job_updated(finished_job("21", protocol::JobState::succeeded, 42, 43));
  CHECK(flow.step() == RebuildStep::finished);
  // The reviewed diff stays; nothing is fetched again.
  CHECK(std::holds_alternative<std::monostate>(command));
  CHECK(flow.diff()->to_path == built);
}

TEST_CASE("review without a diff: the question is still asked, with the reason") {
  SECTION("the agent cannot compare") {
    RebuildFlow flow;
    flow.begin(protocol::RebuildMode::boot, std::nullopt, true);
    flow.job_started("5");
    auto build = finished_job("5", protocol::JobState::succeeded, 42, 42);
    build.result_path = "/nix/store/8a7b6c5d4e3f2g1h0i9j8k7l6m5n4p3q-nixos-system";
    // Unknown current generation: the generation the job saw as default stands in.
    const auto command = flow.job_updated(build);
    REQUIRE(std::get_if<RebuildFlow::FetchDiff>(&command));
    CHECK(std::get<RebuildFlow::FetchDiff>(command).params.from == 42);
    flow.diff_received(ActionError{ActionErrorKind::not_supported, "not supported by this agent", -32602, nullptr});
    CHECK(flow.step() == RebuildStep::reviewing);
    CHECK_FALSE(flow.diff());
    CHECK(flow.diff_note() == "The package diff is not available: not supported by this agent");
    const auto activate = flow.confirm();
    CHECK(std::get<RebuildFlow::StartJob>(activate).request.system == build.result_path);
  }
  SECTION("the build job named no store path") {
    RebuildFlow flow;
    flow.begin(protocol::RebuildMode::switch_, "/etc/nixos#nixos", true);
    flow.job_started("5");
    const auto command = flow.job_updated(finished_job("5", protocol::JobState::succeeded, 42, 42), 42);
    CHECK(std::holds_alternative<std::monostate>(command));
    CHECK(flow.step() == RebuildStep::reviewing);
    CHECK(flow.diff_note().find("did not report which store path") != std::string::npos);
    // Then activating rebuilds from the flake, as there is no path to activate.
    const auto activate = flow.confirm();
    CHECK_FALSE(std::get<RebuildFlow::StartJob>(activate).request.system);
    CHECK(std::get<RebuildFlow::StartJob>(activate).request.flake == "/etc/nixos#nixos");
  }
}

TEST_CASE("a diff summary leads with version changes and leaves out negligible resizes") {
  // firefox and linux changed, hello added, python3 removed, source resized by 4 KiB (negligible).
  auto diff = golden_result<protocol::GenerationsDiff>("generations.diff.result.json");
  protocol::PackageChange payload;
  payload.name = "bash-completion";
  payload.kind = protocol::PackageChangeKind::resized;
  payload.size_delta = 30000;
  diff.changes.insert(diff.changes.begin(), payload);
  const auto summary = summarize(diff, 3);
  CHECK(summary.changed == 2);
  CHECK(summary.added == 1);
  CHECK(summary.removed == 1);
  CHECK(summary.resized == 2);
  REQUIRE(summary.shown.size() == 3);
  CHECK(summary.shown[0].name == "firefox");
  CHECK(summary.shown[1].name == "hello");
  CHECK(summary.shown[2].name == "linux");
  CHECK(summary.not_shown == 3);
  const auto all = summarize(diff, 10);
  REQUIRE(all.shown.size() == 5);
  CHECK(all.shown.back().name == "bash-completion");
  CHECK(all.not_shown == 1);  // source
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

TEST_CASE("without review, the generations before and after are compared once the job is done") {
  RebuildFlow flow;
  flow.begin(protocol::RebuildMode::switch_, std::nullopt, false);
  flow.job_started("8");
  const auto command = flow.job_updated(finished_job("8", protocol::JobState::succeeded, 42, 43));
  CHECK(flow.step() == RebuildStep::finished);
  const auto* fetch = std::get_if<RebuildFlow::FetchDiff>(&command);
  REQUIRE(fetch);
  CHECK(fetch->params.from == 42);
  CHECK(fetch->params.to == 43);
  CHECK_FALSE(fetch->params.to_path);
  flow.diff_received(golden_result<protocol::GenerationsDiff>("generations.diff.result.json"));
  REQUIRE(flow.diff());
  CHECK(flow.diff()->changes.size() == 5);
}

TEST_CASE("a diff the agent cannot give is explained") {
  RebuildFlow flow;
  flow.begin(protocol::RebuildMode::switch_, std::nullopt, false);
  flow.job_started("8");
  flow.job_updated(finished_job("8", protocol::JobState::succeeded));
  flow.diff_received(ActionError{ActionErrorKind::not_supported, "not supported by this agent", -32601, nullptr});
  CHECK(flow.diff_note().find("not supported by this agent") != std::string::npos);
}
