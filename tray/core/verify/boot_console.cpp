// The console and session steps of a restart's checks: log in as the distro's default user the
// way `wsl.exe -d <distro>` does (through the login shell, no --exec) and see the marker come back;
// then see that user's systemd session (user@UID.service) come up. docs/verify-boot.md.
#include "core/verify/boot_verifier.hpp"

#include "core/verify/console_login.hpp"
#include "core/verify/verifier_text.hpp"

#include "nixtray/protocol/units.hpp"

#include <ctime>

namespace nixtray::tray {

namespace asio = net::asio;
using Clock = std::chrono::steady_clock;

namespace {

std::string unit_state(const protocol::Unit& unit) {
  auto text = protocol::json(unit.active_state).get<std::string>();
  if (!unit.result.empty() && unit.result != "success") text += " (" + unit.result + ")";
  return text;
}

}  // namespace

asio::awaitable<bool> BootVerifier::check_console(std::shared_ptr<AgentConnection> agent,
                                                  std::optional<protocol::DefaultUser> user, std::string phase,
                                                  BootCheck& check) {
  record_step("console");
  const std::string who = user ? user->name : std::string("the distro's default user");
  const auto step = begin("console", phase,
                          user ? sentence("opening a console as %s", {user->name})
                               : sentence("opening a console as the distro's default user"));
  if (!control_->has_console()) {
    // Not a pass: the check could not look. Said in the step, and the verdict stays what the
    // other steps made it.
    end(step, StepStatus::skipped,
        sentence("the distro control (%s) cannot open a console, so the login was not checked",
                 {control_->describe()}));
    co_return true;
  }
  if (user && !valid_user_name(user->name)) {
    // It would go to wsl.exe's command line as an option value: refused rather than passed on.
    end(step, StepStatus::failed,
        sentence("the default user's name in wsl.conf is not a user name: \"%s\"", {user->name}));
    check.failed_step = "console";
    check.problem = "started, but nobody can log in: its wsl.conf names the default user \"" + user->name +
                    "\", which is not a user name";
    co_return false;
  }
  const auto marker = new_console_marker();
  console_started_ = static_cast<std::int64_t>(std::time(nullptr));
  ConsoleRequest request;
  if (user) request.user = user->name;
  request.argv = console_marker_argv(marker);
  request.timeout = options_.console_timeout;
  auto opening = control_->console(std::move(request));
  const auto outcome = co_await std::move(opening);
  const auto login = judge_console_login(outcome, marker, user ? user->name : std::string());
  if (!login.passed) {
    end(step, StepStatus::failed, login.said, login.lines);
    check.failed_step = "console";
    check.problem = "started, but " + who + " cannot log in: " + login.cause;
    co_return false;
  }
  end(step, StepStatus::ok, login.said);

  auto checking = check_session(std::move(agent), std::move(user), std::move(phase), check);
  co_return co_await std::move(checking);
}

asio::awaitable<bool> BootVerifier::check_session(std::shared_ptr<AgentConnection> agent,
                                                  std::optional<protocol::DefaultUser> user, std::string phase,
                                                  BootCheck& check) {
  record_step("session");
  const auto step = begin("session", phase, sentence("waiting for the user's systemd session"));
  if (!user || !user->session_unit) {
    end(step, StepStatus::skipped,
        user ? sentence("%s is not in the generation's user database, so its session unit is unknown", {user->name})
             : sentence("the generation names no default user ([user] default in wsl.conf), so its session unit is "
                        "unknown"));
    co_return true;
  }
  const auto unit_name = *user->session_unit;
  const auto login_time = console_started_ - 1;  // unix seconds; the agent's clock may lag by one
  // WSL starts the session at the login; give it the console's time to come up.
  const auto deadline = Clock::now() + options_.console_timeout;
  // Listen for the agent's `units` events rather than listing every poll_interval; subscribed
  // before the first list, so a change between the two is not lost.
  auto subscribing = agent->subscribe({"units"});
  const bool listening = co_await std::move(subscribing);
  bool ask = true;
  std::optional<protocol::Unit> last;
  for (;;) {
    if (ask) {
      auto listing = agent->call<protocol::UnitsListMethod>(protocol::UnitsListParams{});
      auto units = co_await std::move(listing);
      if (!units) {
        end(step, StepStatus::failed, sentence("the agent did not list the units: %s", {units.error().message}));
        check.failed_step = "session";
        check.problem = "could not be checked: the agent did not list the units (" + units.error().message + ")";
        co_return false;
      }
      last.reset();
      for (const auto& unit : units->units) {
        if (unit.name == unit_name) last = unit;
      }
      ask = false;
    }
    if (last && last->active_state == protocol::UnitActiveState::active) {
      end(step, StepStatus::ok, sentence("%1$s (the session of %2$s) is active", {unit_name, user->name}));
      co_return true;
    }
    // Without lingering, systemd stops the session a while after the login's last process ended:
    // one that stopped cleanly after the login had started came up for it.
    if (last && last->active_state == protocol::UnitActiveState::inactive &&
        (last->result.empty() || last->result == "success") && last->since && *last->since >= login_time) {
      end(step, StepStatus::ok,
          sentence("%1$s (the session of %2$s) was started by the login and has stopped since",
                   {unit_name, user->name}));
      co_return true;
    }
    const bool settled = last && last->active_state == protocol::UnitActiveState::failed;
    const auto now = Clock::now();
    if (settled || now >= deadline) break;
    if (!listening) {
      auto nap = pause_for(options_.poll_interval);
      co_await std::move(nap);
      ask = true;
      continue;
    }
    auto waiting = agent->next_event(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    auto event = co_await std::move(waiting);
    if (agent->events_missed() || !event) {
      ask = true;  // dropped events, the deadline, or a closed connection: the list says which
      continue;
    }
    if (event->topic != "units") continue;
    try {
      const auto changes = event->data.get<protocol::UnitsChanged>();
      for (const auto& unit : changes.changed) {
        if (unit.name == unit_name) last = unit;
      }
      for (const auto& name : changes.removed) {
        if (name == unit_name) last.reset();
      }
    } catch (const protocol::json::exception&) {
      ask = true;
    }
  }
  const std::string state = last ? unit_state(*last) : std::string("absent");
  std::vector<std::string> lines;
  if (last) {
    protocol::UnitsLogParams params;
    params.unit = unit_name;
    params.lines = 10;
    auto reading = agent->call<protocol::UnitsLogMethod>(params);
    const auto log = co_await std::move(reading);
    if (log) {
      for (const auto& line : log->lines) lines.push_back(line.message);
    }
  }
  end(step, StepStatus::failed, sentence("%1$s (the systemd session of %2$s) is %3$s", {unit_name, user->name, state}),
      lines);
  check.failed_step = "session";
  check.problem =
      "started, but the systemd session of " + user->name + " did not come up: " + unit_name + " is " + state;
  co_return false;
}

}  // namespace nixtray::tray
