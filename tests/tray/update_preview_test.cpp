// The update preview (tray/core/state/update_preview) and the flow that leads to it
// (RebuildFlow::begin_update): the inputs a flake update moved, the package diff to what it built,
// and Switch and verify activating that very build.
#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/settings/tray_settings.hpp"
#include "core/state/update_preview.hpp"
#include "core/system/local_time.hpp"
#include "core/verify/session_verify.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

std::string day(std::int64_t unix_seconds) { return local_time_text(unix_seconds, "%Y-%m-%d"); }

}  // namespace

TEST_CASE("update preview: the inputs that moved with short revisions and dates, and the package diff") {
  const auto built = golden_result<protocol::Job>("jobs.get.result.update.json");
  const auto diff = golden_result<protocol::GenerationsDiff>("generations.diff.result.to_path.json");
  const auto preview = update_preview(built, diff);

  CHECK(preview.job_id == "18");
  CHECK(preview.system == built.result_path);
  CHECK(preview.lock_file == "/etc/nixos/flake.lock");
  CHECK(preview.headline.english() == "3 inputs moved");
  CHECK(preview.headline.plural == "%s inputs moved");

  REQUIRE(preview.inputs.size() == 3);
  const auto& home_manager = preview.inputs[0];
  CHECK(home_manager.name == "home-manager");
  CHECK(home_manager.source == "github:nix-community/home-manager/release-24.11");
  CHECK(home_manager.from_revision == "3b4c5d6");
  CHECK(home_manager.to_revision == "7e8f9a0");
  CHECK(home_manager.from_date == 1733011200);
  CHECK(home_manager.to_date == 1734652800);
  CHECK(home_manager.change.format == "%1$s (%2$s) \xE2\x86\x92 %3$s (%4$s)");
  CHECK(home_manager.change.english() ==
        "3b4c5d6 (" + day(1733011200) + ") \xE2\x86\x92 7e8f9a0 (" + day(1734652800) + ")");
  CHECK(preview.inputs[1].name == "nixpkgs");
  CHECK(preview.inputs[1].to_revision == "9f8e7d6");
  // An input the update added has no old side.
  const auto& sops = preview.inputs[2];
  CHECK(sops.from_revision.empty());
  CHECK(sops.change.english() == "added: 5d6e7f8 (" + day(1734566400) + ")");

  CHECK(preview.packages.known);
  CHECK(preview.packages.changes.size() == 2);
  CHECK(preview.packages.summary.english() == "2 packages change: 0 added, 1 removed, 1 changed.");
  CHECK(preview.packages.from_closure_size == 4213456789);
  CHECK(preview.packages.to_closure_size == 4215279509);
  CHECK(preview.question.english().find("flake.lock is written with the switch") != std::string::npos);
}

TEST_CASE("update preview: nothing newer, no package changes, and a diff the agent could not give") {
  auto built = golden_result<protocol::Job>("jobs.get.result.update.json");
  built.update->inputs.clear();
  auto diff = golden_result<protocol::GenerationsDiff>("generations.diff.result.to_path.json");
  diff.changes.clear();
  auto preview = update_preview(built, diff);
  CHECK(preview.inputs.empty());
  CHECK(preview.headline.english() == "Nothing newer was found: every input is as flake.lock pins it.");
  CHECK(preview.packages.summary.english() ==
        "No package changes: the update builds the same packages as generation 42.");

  preview = update_preview(built, std::nullopt);
  CHECK_FALSE(preview.packages.known);
  CHECK(preview.packages.summary.english() == "The agent could not say which packages change.");
}

TEST_CASE("update preview: dropped inputs, unknown dates and content hashes") {
  protocol::FlakeUpdate update;
  update.lock_file = "/etc/nixos/flake.lock";
  update.inputs.push_back({"flake-utils", "github:numtide/flake-utils",
                           protocol::LockedInput{"0123456789abcdef0123456789abcdef01234567", {}}, std::nullopt});
  update.inputs.push_back({"secrets", "path:/etc/secrets", protocol::LockedInput{"sha256-AAAABBBBCCCCDDDDEEEE=", {}},
                           protocol::LockedInput{"sha256-ZZZZYYYYXXXXWWWW=", {}}});
  protocol::Job built;
  built.id = "7";
  built.update = update;
  const auto preview = update_preview(built, std::nullopt);
  REQUIRE(preview.inputs.size() == 2);
  CHECK(preview.headline.english() == "2 inputs moved");
  CHECK(preview.inputs[0].change.english() == "dropped (was 0123456)");
  CHECK(preview.inputs[1].change.english() == "sha256-AAAABBBB \xE2\x86\x92 sha256-ZZZZYYYY");
  CHECK(short_revision("abc") == "abc");
}

TEST_CASE("update flow: build with update, review what moved, Switch and verify activates that build") {
  RebuildFlow flow;
  auto command = flow.begin_update("/etc/nixos#nixos");
  CHECK(flow.updating());
  CHECK(flow.step() == RebuildStep::building);
  auto* start = std::get_if<RebuildFlow::StartJob>(&command);
  REQUIRE(start);
  CHECK(start->request.mode == protocol::RebuildMode::build);
  CHECK(start->request.update);
  CHECK(start->request.flake == "/etc/nixos#nixos");

  flow.job_started("18");
  const auto built = golden_result<protocol::Job>("jobs.get.result.update.json");
  command = flow.job_updated(built, 42);
  const auto* fetch = std::get_if<RebuildFlow::FetchDiff>(&command);
  REQUIRE(fetch);
  CHECK(fetch->params.from == 42);
  CHECK(fetch->params.to_path == built.result_path);
  REQUIRE(flow.flake_update());
  CHECK(flow.flake_update()->inputs.size() == 3);

  flow.diff_received(golden_result<protocol::GenerationsDiff>("generations.diff.result.to_path.json"));
  CHECK(flow.step() == RebuildStep::reviewing);
  const auto preview = update_preview(flow);
  CHECK(preview.job_id == "18");
  CHECK(preview.inputs.size() == 3);
  CHECK(preview.packages.known);

  command = flow.confirm();
  start = std::get_if<RebuildFlow::StartJob>(&command);
  REQUIRE(start);
  CHECK(start->request.mode == protocol::RebuildMode::switch_);
  CHECK(start->request.system == built.result_path);
  CHECK_FALSE(start->request.update);
  CHECK_FALSE(start->request.flake);

  flow.job_started("19");
  flow.job_updated(golden_result<protocol::Job>("jobs.get.result.lock_written.json"));
  CHECK(flow.step() == RebuildStep::finished);
  CHECK(flow.lock_written() == "/etc/nixos/flake.lock");
  // Switch and verify verifies whatever the setting "Verify boot after each rebuild" says.
  TraySettings settings;
  settings.auto_verify_after_rebuild = false;
  CHECK(verify_after_rebuild(flow, settings, true));
  CHECK_FALSE(verify_after_rebuild(flow, settings, false));
}

TEST_CASE("update flow: Discard ends it and a plain rebuild afterwards is no update") {
  RebuildFlow flow;
  flow.begin_update(std::nullopt);
  flow.job_started("18");
  flow.job_updated(golden_result<protocol::Job>("jobs.get.result.update.json"), 42);
  flow.diff_received(golden_result<protocol::GenerationsDiff>("generations.diff.result.to_path.json"));
  flow.decline();
  CHECK(flow.step() == RebuildStep::cancelled);

  auto command = flow.begin(protocol::RebuildMode::switch_, std::nullopt, true);
  CHECK_FALSE(flow.updating());
  CHECK_FALSE(flow.flake_update());
  const auto* start = std::get_if<RebuildFlow::StartJob>(&command);
  REQUIRE(start);
  CHECK_FALSE(start->request.update);
}

TEST_CASE("update flow: without the built path Switch and verify refuses rather than build the old lock") {
  RebuildFlow flow;
  flow.begin_update(std::nullopt);
  flow.job_started("18");
  auto built = golden_result<protocol::Job>("jobs.get.result.update.json");
  built.result_path.reset();
  flow.job_updated(built, 42);
  CHECK(flow.step() == RebuildStep::reviewing);
  const auto command = flow.confirm();
  CHECK(std::holds_alternative<std::monostate>(command));
  CHECK(flow.step() == RebuildStep::failed);
  CHECK_FALSE(flow.failure().empty());
}
