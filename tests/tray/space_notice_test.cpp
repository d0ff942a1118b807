// The tray's space state and its notifications: the latest report in the state, the low-space
// warning once per fall below the threshold, its setting, and a rebuild refused for lack of space.
#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/settings/tray_settings.hpp"
#include "core/state/menu_model.hpp"
#include "core/state/notification_rules.hpp"
#include "core/state/space_notice.hpp"

#include "nixtray/protocol/error_code.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

constexpr std::int64_t gib = std::int64_t{1} << 30;

protocol::SpaceReport space(std::int64_t free_bytes, std::int64_t computed = 100) {
  protocol::SpaceReport report;
  report.store_dir = "/nix/store";
  report.free_bytes = free_bytes;
  report.total_bytes = 256 * gib;
  report.store_bytes = 40 * gib;
  report.garbage_bytes = gib / 2;
  report.generations = {{42, 0, 0, true}, {41, 3 * gib, 1200, false}};
  report.cleanup = {{1, {41}, 3 * gib + gib / 2, 1300}};
  report.computed = computed;
  return report;
}

struct Tray {
  explicit Tray(NotificationToggles toggles = {}) : rules(toggles, std::nullopt, "NixOS") {}

  std::vector<Notification> feed(TrayEvent event) {
    const auto before = state;
    state = TrayStateReducer::reduce(state, event);
    return rules.observe(before, state, event).notifications;
  }

  TrayState state;
  NotificationRules rules;
};

}  // namespace

TEST_CASE("the newest space report is kept in the state, an older answer does not replace it") {
  Tray tray;
  tray.feed(SpaceReceived{space(9 * gib, 200)});
  REQUIRE(tray.state.space);
  CHECK(tray.state.space->free_bytes == 9 * gib);
  // The answer to the `space` call after connecting, overtaken by a newer event.
  tray.feed(SpaceReceived{space(20 * gib, 150)});
  CHECK(tray.state.space->free_bytes == 9 * gib);
  // A free-space update keeps `computed`: it still counts.
  tray.feed(SpaceReceived{space(8 * gib, 200)});
  CHECK(tray.state.space->free_bytes == 8 * gib);
}

TEST_CASE("low disk space is notified once per fall below the threshold, with an action to the Space window") {
  Tray tray;  // the default: 5 GiB
  CHECK(tray.feed(SpaceReceived{space(6 * gib)}).empty());
  const auto notes = tray.feed(SpaceReceived{space(4 * gib)});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == NotificationKind::low_space);
  CHECK(notes[0].title.english() == "Low disk space");
  CHECK(notes[0].body.english() ==
        "NixOS has 4.0 GiB free for the Nix store (warning below 5.0 GiB). Garbage collection can free up to 3.5 GiB.");
  REQUIRE(notes[0].action);
  CHECK(notes[0].action->kind == NotificationAction::Kind::show_space);
  CHECK(notes[0].action->label == "Show disk space");

  // Still low, lower still: no repetition.
  CHECK(tray.feed(SpaceReceived{space(3 * gib)}).empty());
  CHECK(tray.feed(SpaceReceived{space(3 * gib)}).empty());
  // Recovered, then low again: a new crossing, a new notification.
  CHECK(tray.feed(SpaceReceived{space(5 * gib)}).empty());
  CHECK(tray.feed(SpaceReceived{space(2 * gib)}).size() == 1);
}

TEST_CASE("the low-space threshold and its toggle come from the settings") {
  SECTION("a higher threshold warns earlier") {
    NotificationToggles toggles;
    toggles.low_space_gib = 20;
    Tray tray(toggles);
    const auto notes = tray.feed(SpaceReceived{space(10 * gib)});
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].body.english().find("(warning below 20.0 GiB)") != std::string::npos);
  }
  SECTION("switched off: nothing, and nothing replayed when switched on while still low") {
    NotificationToggles toggles;
    toggles.low_space = false;
    Tray tray(toggles);
    CHECK(tray.feed(SpaceReceived{space(1 * gib)}).empty());
    tray.rules.set_toggles({});
    CHECK(tray.feed(SpaceReceived{space(1 * gib)}).empty());
  }
  SECTION("the settings file keeps both; a threshold below 1 GiB becomes 1 with a warning") {
    TraySettings settings;
    settings.notifications.low_space = false;
    settings.notifications.low_space_gib = 12;
    std::vector<std::string> warnings;
    const auto back = settings_from_json(settings_to_json(settings), warnings);
    CHECK(warnings.empty());
    CHECK(back.notifications.low_space == false);
    CHECK(back.notifications.low_space_gib == 12);
    const auto zero = settings_from_json({{"notifications", {{"low_space_gib", 0}}}}, warnings);
    CHECK(zero.notifications.low_space_gib == 1);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("low_space_gib") != std::string::npos);
    CHECK(TraySettings{}.notifications.low_space_gib == 5);
  }
}

TEST_CASE("a report without a file system size never warns") {
  auto report = space(0);
  report.total_bytes = 0;
  CHECK_FALSE(is_low_space(report, 5));
  CHECK(is_low_space(space(gib), 5));
}

TEST_CASE("a rebuild refused for lack of disk space points to the Space window, other refusals do not") {
  ActionError refused{ActionErrorKind::refused,
                      "only 500.0 MiB free in the Nix store; a rebuild needs at least 1.0 GiB",
                      static_cast<int>(protocol::ErrorCode::refused),
                      {{"free_bytes", 524288000}, {"required_bytes", 1073741824}}};
  const auto notice = space_refusal_notice(refused, "NixOS");
  REQUIRE(notice);
  CHECK(notice->kind == NotificationKind::low_space);
  CHECK(notice->title.english() == "Rebuild refused: low disk space");
  CHECK(notice->body.english() ==
        "NixOS has 500.0 MiB free for the Nix store; a rebuild needs 1.0 GiB. Garbage collection frees room.");
  REQUIRE(notice->action);
  CHECK(notice->action->kind == NotificationAction::Kind::show_space);

  ActionError system{ActionErrorKind::refused, "system cannot be activated",
                     static_cast<int>(protocol::ErrorCode::refused), nullptr};
  CHECK_FALSE(space_refusal_notice(system, "NixOS"));
  ActionError busy{ActionErrorKind::busy,
                   "job 17 runs",
                   static_cast<int>(protocol::ErrorCode::busy),
                   {{"job", "17"}, {"free_bytes", 1}}};
  CHECK_FALSE(space_refusal_notice(busy, "NixOS"));
}

TEST_CASE("the menu opens the Space window") {
  TrayState state;
  const auto menu = MenuModel::build(state, MenuContext{});
  const auto* item = menu.find("space");
  REQUIRE(item);
  CHECK(item->label == "Disk space\xE2\x80\xA6");
  CHECK(item->enabled);
  CHECK(item->command.action == MenuAction::show_space);
}
