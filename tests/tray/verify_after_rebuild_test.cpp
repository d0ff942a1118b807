#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/verify/session_verify.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

// A rebuild without review, through its job to `state`.
RebuildFlow rebuilt(protocol::RebuildMode mode, protocol::JobState state) {
  RebuildFlow flow;
  flow.begin(mode, std::nullopt, false);
  flow.job_started("7");
  auto done = job("7", state);
  done.generation_before = 42;
  done.generation_after = 43;
  flow.job_updated(done);
  return flow;
}

TraySettings verifying() {
  TraySettings settings;
  settings.auto_verify_after_rebuild = true;
  return settings;
}

}  // namespace

TEST_CASE("verify boot after each rebuild (settings): a finished switch or boot is followed by verify-boot") {
  CHECK(TraySettings{}.auto_verify_after_rebuild);  // on by default (issue 18 §3)
  CHECK(
      verify_after_rebuild(rebuilt(protocol::RebuildMode::switch_, protocol::JobState::succeeded), verifying(), true));
  CHECK(verify_after_rebuild(rebuilt(protocol::RebuildMode::boot, protocol::JobState::succeeded), verifying(), true));
}

TEST_CASE("no verify-boot after a rebuild when the setting is off, without lifecycle control, for test or a failure") {
  const auto boot = rebuilt(protocol::RebuildMode::boot, protocol::JobState::succeeded);
  TraySettings off;
  off.auto_verify_after_rebuild = false;
  CHECK_FALSE(verify_after_rebuild(boot, off, true));
  CHECK_FALSE(verify_after_rebuild(boot, verifying(), false));
  CHECK_FALSE(
      verify_after_rebuild(rebuilt(protocol::RebuildMode::test, protocol::JobState::succeeded), verifying(), true));
  CHECK_FALSE(
      verify_after_rebuild(rebuilt(protocol::RebuildMode::boot, protocol::JobState::failed), verifying(), true));

  RebuildFlow running;
  running.begin(protocol::RebuildMode::boot, std::nullopt, false);
  running.job_started("8");
  CHECK_FALSE(verify_after_rebuild(running, verifying(), true));
}
