// An unverified default generation at a glance: the badge flag, the tooltip's note, the line at
// the top of the menu, and one notification per generation and store path (kept in the settings,
// so a restarted tray does not repeat it).
#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/state/menu_model.hpp"
#include "core/state/notification_rules.hpp"
#include "core/state/verification_view.hpp"

using namespace nixtray;
using namespace nixtray::tray;
using namespace nixtray::tray::fixtures;

namespace {

const std::string path_43 = "/nix/store/b4k2m9x7q1w3e5r7t9y1u3i5o7p9a1s3-nixos-system-nixos-43";

protocol::Status with_verification(protocol::VerificationState state, int generation = 43,
                                   std::string store_path = path_43) {
  auto status = running_status(generation);
  status.verification.state = state;
  status.verification.generation = generation;
  status.verification.store_path = std::move(store_path);
  return status;
}

MenuContext wsl_context() {
  MenuContext context;
  context.has_lifecycle = true;
  return context;
}

// The reducer and the rules together, as TraySession runs them; `saved` is the settings' record.
struct Tray {
  explicit Tray(std::optional<std::string> saved_key = std::nullopt, NotificationToggles toggles = {})
      : rules(toggles, "1", "NixOS", saved_key), saved(std::move(saved_key)) {}

  std::vector<Notification> feed(std::initializer_list<TrayEvent> events) {
    return observe(state, rules, events, [this](const NotificationDecision& decision) {
      if (decision.unverified_notified) saved = decision.unverified_notified;
    });
  }

  std::vector<Notification> connect(protocol::Status status, std::vector<protocol::Job> jobs = {}) {
    return feed({LinkConnecting{1}, LinkConnected{hello(), "unix:/x"}, StatusReceived{std::move(status)},
                 GenerationsReceived{{generation(43, true)}}, JobsReceived{std::move(jobs)}, LinkSynced{}});
  }

  TrayState state;
  NotificationRules rules;
  std::optional<std::string> saved;
};

}  // namespace

TEST_CASE("an unverified default generation: badge, tooltip note and a Verify now line at the top of the menu") {
  const auto state = connected(with_verification(protocol::VerificationState::unverified));
  const auto view = verification_view(state);
  REQUIRE(view);
  CHECK(view->badge);
  CHECK(view->menu_line == "Generation 43 is unverified");
  CHECK(verification_key(*view) == "43 " + path_43);

  const auto shown = present(state, "NixOS");
  CHECK(shown.unverified_badge);
  CHECK(shown.tooltip == "NixOS 24.11 \xE2\x80\x94 gen 43, running \xC2\xB7 gen 43 unverified");
  CHECK(shown.condition == TrayCondition::running);  // still running: unverified is a flag, not a failure

  const auto menu = MenuModel::build(state, wsl_context());
  REQUIRE(menu.items.size() > 2);
  CHECK(menu.items[0].id == "header");
  const auto& line = menu.items[1];
  CHECK(line.id == "verification");
  CHECK(line.label == "\xE2\x9A\xA0 Generation 43 is unverified \xE2\x80\x94 Verify now\xE2\x80\xA6");
  CHECK(line.enabled);
  CHECK(line.command.action == MenuAction::verify_boot);
  REQUIRE(line.confirm);
  CHECK(line.confirm->question.english().find("Every open session") != std::string::npos);

  // Without a distro to restart the line only informs.
  const auto local = MenuModel::build(state, MenuContext{});
  REQUIRE(local.find("verification"));
  CHECK(local.find("verification")->kind == MenuItem::Kind::header);
  CHECK(local.find("verification")->command.action == MenuAction::none);

  // A job running: the check cannot start, and says why.
  auto busy = connected(with_verification(protocol::VerificationState::unverified));
  busy = fold(busy, {JobUpdated{job("7", protocol::JobState::running)}});
  const auto busy_menu = MenuModel::build(busy, wsl_context());
  const auto* blocked = busy_menu.find("verification");
  REQUIRE(blocked);
  CHECK_FALSE(blocked->enabled);
  CHECK(blocked->disabled_reason == "rebuild job 7 is running");
}

TEST_CASE("verified, verifying and unknown generations are not flagged, but a failed one is") {
  for (const auto state : {protocol::VerificationState::verified, protocol::VerificationState::verifying,
                           protocol::VerificationState::unknown}) {
    const auto tray = connected(with_verification(state));
    INFO(protocol::json(state).dump());
    CHECK_FALSE(verification_view(tray));
    CHECK_FALSE(present(tray, "NixOS").unverified_badge);
    CHECK_FALSE(MenuModel::build(tray, wsl_context()).find("verification"));
    CHECK(present(tray, "NixOS").tooltip.find("boot-check") == std::string::npos);
  }
  const auto failed = connected(with_verification(protocol::VerificationState::failed));
  REQUIRE(verification_view(failed));
  CHECK(present(failed, "NixOS").unverified_badge);
  CHECK(MenuModel::build(failed, wsl_context()).find("verification")->label.find("failed boot verification") !=
        std::string::npos);
}

TEST_CASE("the plain rebuild modes say they skip the boot check when the tray can verify") {
  const auto menu = MenuModel::build(connected(), wsl_context());
  CHECK(menu.find("rebuild/switch")->label == "Switch (activate now) \xE2\x80\x94 without boot verification");
  CHECK(menu.find("rebuild/boot")->label == "Boot (use at the next start) \xE2\x80\x94 without boot verification");
  CHECK(menu.find("rebuild/test")->label == "Test (activate until the next start)");
  // The safe way is the first choice.
  const auto* rebuild = menu.find("rebuild");
  REQUIRE(rebuild);
  const MenuItem* first = nullptr;
  for (const auto& child : rebuild->children) {
    if (child.kind == MenuItem::Kind::action) {
      first = &child;
      break;
    }
  }
  REQUIRE(first);
  CHECK(first->id == "rebuild/verify");
}

TEST_CASE("a new unverified generation is notified once, with Verify now, but not again after a restart") {
  Tray tray;
  const auto notes = tray.connect(with_verification(protocol::VerificationState::unverified));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].kind == NotificationKind::unverified_generation);
  CHECK(notes[0].body.english() == "Generation 43 was activated outside nixtray and its boot has not been verified.");
  CHECK(notes[0].title.english() == "NixOS: generation 43 is unverified");
  REQUIRE(notes[0].action);
  CHECK(notes[0].action->kind == NotificationAction::Kind::verify_boot);
  CHECK(notes[0].action->label == "Verify now");
  CHECK(tray.saved == "43 " + path_43);

  // More status pushes of the same generation, and a reconnect: nothing new.
  CHECK(tray.feed({StatusReceived{with_verification(protocol::VerificationState::unverified)}}).empty());
  CHECK(tray.connect(with_verification(protocol::VerificationState::unverified)).empty());

  // A restarted tray reads the key from its settings: still nothing.
  Tray restarted(tray.saved);
  CHECK(restarted.connect(with_verification(protocol::VerificationState::unverified)).empty());

  // The next unverified generation is news; so is the same number naming another system.
  auto next = with_verification(protocol::VerificationState::unverified, 44, "/nix/store/ccc-nixos-system-nixos-44");
  CHECK(restarted.feed({StatusReceived{next}}).size() == 1);
  auto renumbered =
      with_verification(protocol::VerificationState::unverified, 44, "/nix/store/ddd-nixos-system-nixos-44");
  CHECK(restarted.feed({StatusReceived{renumbered}}).size() == 1);
  CHECK(restarted.saved == "44 /nix/store/ddd-nixos-system-nixos-44");
}

TEST_CASE("unverified notifications: a generation a job made says so, but verified ones and the toggle stay quiet") {
  auto made = job("12", protocol::JobState::succeeded);
  made.generation_after = 43;
  Tray tray;
  const auto notes = tray.connect(with_verification(protocol::VerificationState::unverified), {made});
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].body.english() == "Generation 43 was activated without boot verification.");

  // The known-good generation (marked by hand, or what a rollback went back to) is no news.
  auto known_good = with_verification(protocol::VerificationState::unverified);
  known_good.generations.known_good = 43;
  Tray rolled_back;
  CHECK(rolled_back.connect(known_good).empty());
  CHECK(verification_view(rolled_back.state));  // still flagged in the menu

  Tray verified;
  CHECK(verified.connect(with_verification(protocol::VerificationState::verified)).empty());
  CHECK_FALSE(verified.saved);

  NotificationToggles off;
  off.unverified = false;
  Tray quiet(std::nullopt, off);
  CHECK(quiet.connect(with_verification(protocol::VerificationState::unverified)).empty());
  // Remembered anyway: turning the toggle on later does not replay it.
  CHECK(quiet.saved == "43 " + path_43);
}
