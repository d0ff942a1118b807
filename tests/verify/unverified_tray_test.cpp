// A terminal rebuild, as the tray sees it: on the miniature distro (real systemd, real Nix, the
// agent under test) the nixos-rebuild stand-in switches in a "terminal" of the distro, outside
// nixtray; a real TraySession (tray/core, no GUI) connected to that agent then shows the generation
// unverified (badge, menu line, tooltip) and notifies it exactly once, and a restarted session with
// the same settings file does not notify it again. A verify-boot that passes clears the flag.
#include "catch.hpp"
#include "mini_distro.hpp"

#include "core/distro/command_distro_control.hpp"
#include "core/state/menu_model.hpp"
#include "core/state/verification_view.hpp"
#include "core/tray_session.hpp"

#include "nixtray/testing/timeouts.hpp"

using namespace nixtray;
using namespace nixtray::testing;
using namespace nixtray::tray;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path rebuild_standin = fs::path(NIXTRAY_SOURCE_DIR) / "tests" / "jobs" / "nixos-rebuild-standin";

// The tray without its GUI, on the distro's agent and settings file, run step by step.
struct TrayRun {
  explicit TrayRun(const MiniDistro& distro) {
    AgentLinkOptions link;
    link.endpoint = net::parse_endpoint("unix:" + distro.socket().string());
    link.client = "nixtray-test/0";
    link.backoff.initial = 50ms;
    link.backoff.cap = 500ms;
    link.connect_timeout = scaled(10s);
    link.call_timeout = scaled(10s);
    auto commands = parse_distro_commands(distro.control_command("start"), distro.control_command("stop"),
                                          distro.control_command("is-running"), distro.control_command("exec-as-root"),
                                          {}, distro.control_command("console"));
    SettingsFile file(distro.settings_file());
    TraySessionCallbacks callbacks;
    callbacks.on_state = [this](const TrayState& state) { last = state; };
    callbacks.on_notification = [this](const Notification& n) { notifications.push_back(n); };
    session = TraySession::create(io.get_executor(), file, file.load().settings, link,
                                  std::make_shared<CommandDistroControl>(std::move(commands)), std::move(callbacks));
    session->start();
  }
  ~TrayRun() {
    session->stop();
    io.restart();
    io.run_for(scaled(10s));
  }

  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io.restart();
      io.run_for(10ms);
    }
    return true;
  }

  [[nodiscard]] int unverified_notifications() const {
    int n = 0;
    for (const auto& notification : notifications)
      n += notification.kind == NotificationKind::unverified_generation ? 1 : 0;
    return n;
  }

  net::asio::io_context io;
  std::shared_ptr<TraySession> session;
  TrayState last;
  std::vector<Notification> notifications;
};

std::optional<int> default_generation(const TrayState& state) {
  return state.status ? state.status->generations.default_generation : std::nullopt;
}

}  // namespace

TEST_CASE("a terminal nixos-rebuild switch: the tray shows the generation unverified and notifies it once") {
  MiniDistro distro;
  REQUIRE(distro.add_generation(distro.good_generation("24.11.20241201.aaaaaaa (Vicuna)")) == 1);
  distro.store().write_configuration(distro.configs(), "default",
                                     distro.good_generation("24.11.20241215.bbbbbbb (Vicuna)"));
  distro.start();
  // Generation 1 passed a boot check: nothing to flag when the tray connects.
  REQUIRE(distro.agent_call("verify.record", {{"generation", 1}, {"outcome", "passed"}}).contains("result"));

  {
    TrayRun tray(distro);
    REQUIRE(tray.run_until([&] { return tray.last.synced && tray.last.status; }));
    CHECK_FALSE(verification_view(tray.last));
    CHECK(tray.notifications.empty());

    // `nixos-rebuild switch` in a terminal of the distro.
    auto env = distro.store().env();
    env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
    env["NIXTRAY_STANDIN_CONFIGS"] = distro.configs().string();
    const auto switched = distro.run_inside({"/bin/sh", rebuild_standin.string(), "switch"}, env);
    INFO(switched.describe());
    REQUIRE(switched.ok());

    REQUIRE(tray.run_until([&] { return default_generation(tray.last) == 2 && verification_view(tray.last); }));
    const auto view = verification_view(tray.last);
    CHECK(view->state == protocol::VerificationState::unverified);
    CHECK(view->generation == 2);
    CHECK_FALSE(view->made_by_agent);
    const auto shown = present(tray.last, "NixOS");
    CHECK(shown.unverified_badge);
    CHECK(shown.tooltip.find("gen 2 unverified") != std::string::npos);
    const auto menu = MenuModel::build(tray.last, tray.session->menu_context());
    REQUIRE(menu.items.size() > 1);
    CHECK(menu.items[1].id == "verification");
    CHECK(menu.items[1].command.action == MenuAction::verify_boot);

    REQUIRE(tray.run_until([&] { return tray.unverified_notifications() > 0; }));
    // More status pushes come (units settle, the switch finishes): still one.
    tray.run_until([] { return false; }, 2s);
    REQUIRE(tray.unverified_notifications() == 1);
    const auto& note = tray.notifications.back();
    CHECK(note.body.english() == "Generation 2 was activated outside nixtray and its boot has not been verified.");
    REQUIRE(note.action);
    CHECK(note.action->kind == NotificationAction::Kind::verify_boot);
  }
  // The settings keep what was notified.
  const auto record = distro.distro_record();
  REQUIRE(record.is_object());
  CHECK(record["unverified_notified"] == "2 " + distro.agent_status()["verification"]["store_path"].get<std::string>());

  {
    // A restarted tray: the same generation is still unverified, and not notified again.
    TrayRun again(distro);
    REQUIRE(again.run_until([&] { return again.last.synced && verification_view(again.last); }));
    again.run_until([] { return false; }, 2s);
    CHECK(again.unverified_notifications() == 0);
  }

  // A boot check that passes: verified, nothing flagged any more.
  const auto verified = distro.nixtrayctl({"verify-boot", "--json"});
  INFO(verified.describe() << "\n" << distro.diagnostics());
  REQUIRE(verified.exit_code() == 0);
  const auto status = distro.nixtrayctl({"status", "--json"});
  INFO(status.describe());
  const auto shown = json::parse(status.out);
  CHECK(shown["verification"]["state"] == "verified");
  CHECK(shown["verification"]["generation"] == 2);
  CHECK(shown["verification"]["badge"] == false);
  CHECK(shown["tooltip"].get<std::string>().find("boot-checked") == std::string::npos);
  const auto text = distro.nixtrayctl({"status"});
  INFO(text.describe());
  CHECK(text.out.find("verification: generation 2 verified\n") != std::string::npos);
}
