#include "core/state/menu_model.hpp"

#include "core/state/fleet_view.hpp"
#include "core/state/state_text.hpp"
#include "core/state/verification_view.hpp"

#include <cstdint>
#include <cstdio>

namespace nixtray::tray {

std::string_view to_string(MenuAction action) {
  switch (action) {
    case MenuAction::none:
      return "none";
    case MenuAction::show_status_window:
      return "show-status-window";
    case MenuAction::show_unit:
      return "show-unit";
    case MenuAction::start_distro:
      return "start-distro";
    case MenuAction::stop_distro:
      return "stop-distro";
    case MenuAction::shutdown_all_distros:
      return "shutdown-all-distros";
    case MenuAction::rebuild:
      return "rebuild";
    case MenuAction::verify_boot:
      return "verify-boot";
    case MenuAction::rebuild_and_verify:
      return "rebuild-and-verify";
    case MenuAction::update:
      return "update";
    case MenuAction::rollback:
      return "rollback";
    case MenuAction::rescue_rollback:
      return "rescue-rollback";
    case MenuAction::cancel_job:
      return "cancel-job";
    case MenuAction::show_job_log:
      return "show-job-log";
    case MenuAction::dismiss_failure:
      return "dismiss-failure";
    case MenuAction::reconnect:
      return "reconnect";
    case MenuAction::open_terminal:
      return "open-terminal";
    case MenuAction::open_settings:
      return "open-settings";
    case MenuAction::show_space:
      return "show-space";
    case MenuAction::toggle_start_at_login:
      return "toggle-start-at-login";
    case MenuAction::select_target:
      return "select-target";
    case MenuAction::add_target:
      return "add-target";
    case MenuAction::try_on_copy:
      return "try-on-copy";
    case MenuAction::quit:
      return "quit";
  }
  return "none";
}

std::string target_line(const MenuTarget& target) { return target_line_sentence(target).english(); }

Sentence target_line_sentence(const MenuTarget& target) {
  return target_state_line(target.name, target.condition, target.unverified, " \xE2\x80\x94 ");
}

namespace {

MenuItem action(std::string id, std::string label, MenuAction what) {
  MenuItem item;
  item.id = std::move(id);
  item.label = std::move(label);
  item.command.action = what;
  return item;
}

MenuItem header(std::string id, std::string label) {
  MenuItem item;
  item.kind = MenuItem::Kind::header;
  item.id = std::move(id);
  item.label = std::move(label);
  item.enabled = false;
  return item;
}

// A label with names or numbers in it: its sentence for a front end that translates, its English.
MenuItem said(MenuItem item, Sentence label) {
  item.label = label.english();
  item.label_sentence = std::move(label);
  return item;
}

MenuItem separator() {
  MenuItem item;
  item.kind = MenuItem::Kind::separator;
  item.enabled = false;
  return item;
}

// "Targets ▸": each watched target with its state, the selected one checked; choosing one makes
// the rest of the menu (and the windows) its.
MenuItem targets_menu(const MenuContext& context) {
  MenuItem menu;
  menu.kind = MenuItem::Kind::submenu;
  menu.id = "targets";
  menu.label = "Targets";
  for (const auto& target : context.targets) {
    auto select = action("target/" + target.name, target_line(target), MenuAction::select_target);
    select.label_sentence = target_line_sentence(target);
    select.command.target = target.name;
    select.checked = target.selected;
    if (target.actions.empty()) {
      menu.children.push_back(std::move(select));
      continue;
    }
    // A submenu per target: make it the one the menu and windows are for, then its own actions.
    MenuItem entry;
    entry.kind = MenuItem::Kind::submenu;
    entry.id = "target/" + target.name;
    entry.label = select.label;
    entry.label_sentence = select.label_sentence;
    select.id += "/select";
    select.label = "Show in the menu and windows";
    select.label_sentence = {};
    entry.children.push_back(std::move(select));
    entry.children.push_back(separator());
    entry.children.insert(entry.children.end(), target.actions.begin(), target.actions.end());
    menu.children.push_back(std::move(entry));
  }
  if (!context.found_distros.empty()) {
    if (!menu.children.empty()) menu.children.push_back(separator());
    // The names alone under a header, so the header is one sentence the catalogue translates.
    menu.children.push_back(header("targets/found", "Found in WSL, add as a target:"));
    for (const auto& distro : context.found_distros) {
      auto add = action("targets/add/" + distro, distro, MenuAction::add_target);
      add.command.distro = distro;
      menu.children.push_back(std::move(add));
    }
  }
  return menu;
}

void name_target(std::vector<MenuItem>& items, const std::string& name) {
  for (auto& item : items) {
    if (!item.id.empty()) item.id = "target/" + name + "/" + item.id;
    if (item.command.action != MenuAction::none) item.command.target = name;
    name_target(item.children, name);
  }
}

void disable(MenuItem& item, Sentence reason) {
  if (item.enabled) {
    item.enabled = false;
    item.disabled_reason = reason.english();
    item.disabled_sentence = std::move(reason);
  }
}

// "<job kind> job <id> is running<, and more>", the kind in the catalogue's words.
Sentence running_job_sentence(const char* format, const JobProgressView& job) {
  auto said = sentence(format, {std::string(job_noun(job)), job.job_id});
  said.translated = {0};
  return said;
}

// "2024-05-20" from unix time (UTC): a date is enough to tell generations apart in a menu.
std::string date_of(std::int64_t unix_time) {
  std::int64_t days = unix_time / 86400;
  if (unix_time % 86400 < 0) --days;
  // Howard Hinnant's civil_from_days.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buffer;
}

// Why an action that needs the agent cannot run now; empty when it can.
Sentence agent_action_blocker(const TrayState& state, std::string_view method, bool mutating) {
  if (state.verifying) return sentence("boot verification is running");
  if (!is_connected(state)) {
    return sentence(state.condition == TrayCondition::stopped ? "the distro is not running"
                                                              : "not connected to the agent");
  }
  if (!method_supported(state, method)) {
    return sentence("not supported by this agent (it does not implement %s; update nixtray-agent)",
                    {std::string(method)});
  }
  if (mutating && state.hello && !state.hello->authorized) {
    return sentence("read-only connection: only root or members of the agent's group may change the system");
  }
  return {};
}

Sentence job_blocker(const TrayState& state) {
  if (const auto job = running_job(state)) return running_job_sentence("%1$s job %2$s is running", *job);
  return {};
}

Confirmation verify_boot_confirmation(const MenuContext& context) {
  return Confirmation{sentence("Verify boot"),
                      sentence("Verify boot restarts %s into the generation it boots next and checks that it comes up "
                               "and that you can log in. Every open session in the distro ends. Continue?",
                               {context.distro_name}),
                      "Restart and verify"};
}

MenuItem rebuild_menu(const TrayState& state, const MenuContext& context) {
  MenuItem menu;
  menu.kind = MenuItem::Kind::submenu;
  menu.id = "rebuild";
  menu.label = "Rebuild";
  menu.children.push_back(context.flake ? said(header("rebuild/flake", {}), sentence("Flake: %s", {*context.flake}))
                                        : header("rebuild/flake", "Flake: the agent's default"));
  if (context.review_rebuild) {
    menu.children.push_back(header("rebuild/review", "Builds first, shows what changes, then asks"));
  }
  struct Mode {
    protocol::RebuildMode mode;
    const char* id;
    const char* label;
  };
  const Mode modes[] = {{protocol::RebuildMode::switch_, "rebuild/switch", "Switch (activate now)"},
                        {protocol::RebuildMode::boot, "rebuild/boot", "Boot (use at the next start)"},
                        {protocol::RebuildMode::test, "rebuild/test", "Test (activate until the next start)"}};
  auto blocker = agent_action_blocker(state, "jobs.start", true);
  if (blocker.empty()) blocker = job_blocker(state);
  if (context.has_lifecycle) {
    // deploy-rs's "magic rollback" for WSL: boot into the new generation and keep it only if it comes up.
    auto verified = action("rebuild/verify", "Rebuild, restart and verify\xE2\x80\xA6", MenuAction::rebuild_and_verify);
    verified.command.mode = protocol::RebuildMode::boot;
    verified.confirm = Confirmation{
        sentence("Rebuild and verify"),
        sentence("Rebuild %s for the next boot, restart into it and check that it comes up; if it does not, roll back "
                 "to the last known-good generation. Every open session in the distro ends. Continue?",
                 {context.distro_name}),
        "Rebuild and verify"};
    if (!blocker.empty()) disable(verified, blocker);
    menu.children.push_back(std::move(verified));
  }
  for (const auto& mode : modes) {
    auto item = action(mode.id, mode.label, MenuAction::rebuild);
    item.command.mode = mode.mode;
    if (context.has_lifecycle && !context.verify_after_rebuild && mode.mode != protocol::RebuildMode::test) {
      // "Rebuild, restart and verify" above is the safe way; these leave the result unchecked.
      item.label += " \xE2\x80\x94 without boot verification";
    }
    if (context.verify_after_rebuild && mode.mode != protocol::RebuildMode::test) {
      // The setting makes the distro restart afterwards: that ends sessions, so it is asked first.
      item.label += ", then verify boot";
      item.confirm = Confirmation{
          sentence("Rebuild and verify"),
          sentence("Rebuild %s, then restart it and check that it comes up (the setting \"Verify boot after each "
                   "rebuild\"); if it does not, roll back to the last known-good generation. Every open session in "
                   "the distro ends. Continue?",
                   {context.distro_name}),
          "Rebuild"};
    }
    if (!blocker.empty()) disable(item, blocker);
    menu.children.push_back(std::move(item));
  }
  if (context.verify_after_rebuild) {
    // The setting is on (the default), yet a plain switch stays one click away, named as such.
    auto plain = action("rebuild/switch-unverified", "Switch (activate now) \xE2\x80\x94 without boot verification",
                        MenuAction::rebuild);
    plain.command.mode = protocol::RebuildMode::switch_;
    plain.command.without_verify = true;
    if (!blocker.empty()) disable(plain, blocker);
    menu.children.push_back(std::move(plain));
  }
  if (!blocker.empty()) disable(menu, blocker);
  return menu;
}

MenuItem rollback_menu(const TrayState& state, const MenuContext& context) {
  MenuItem menu;
  menu.kind = MenuItem::Kind::submenu;
  menu.id = "rollback";
  menu.label = "Roll back";
  auto blocker = agent_action_blocker(state, "jobs.start", true);
  if (blocker.empty()) blocker = job_blocker(state);
  const auto known_good = known_good_generation(state) ? known_good_generation(state) : context.host_known_good;
  std::size_t shown = 0;
  for (const auto& generation : state.generations) {
    if (shown == context.max_rollback_entries) break;
    ++shown;
    // Whole formats for each combination, so a translation orders the parts as its language does.
    const bool good = generation.known_good || (known_good && *known_good == generation.number);
    const auto number = std::to_string(generation.number);
    const auto date = date_of(generation.created);
    auto label = generation.nixos_version
                     ? sentence(good ? "Generation %1$s \xE2\x80\x94 %2$s (%3$s) \xE2\x9C\x93 known good"
                                     : "Generation %1$s \xE2\x80\x94 %2$s (%3$s)",
                                {number, short_nixos_version(*generation.nixos_version), date})
                     : sentence(good ? "Generation %1$s (%2$s) \xE2\x9C\x93 known good" : "Generation %1$s (%2$s)",
                                {number, date});
    auto item = said(action("rollback/" + number, {}, MenuAction::rollback), std::move(label));
    item.command.generation = generation.number;
    item.command.mode = protocol::RebuildMode::switch_;
    item.confirm = Confirmation{
        sentence("Roll back"),
        sentence("Make generation %1$s the system of %2$s and activate it now?", {number, context.distro_name}),
        "Roll back"};
    if (generation.is_default) {
      disable(item, sentence("generation %s is the system already", {number}));
    } else if (generation.problem) {
      disable(item, sentence("%s", {*generation.problem}));  // the agent's words
    }
    if (!blocker.empty()) disable(item, blocker);
    menu.children.push_back(std::move(item));
  }
  // The known-good generation the host remembers can be restored when the agent does not answer at
  // all, from outside: the case the rollback exists for. (Not while verify-boot controls the distro.)
  std::optional<MenuItem> rescue;
  if (!is_connected(state) && context.has_lifecycle && context.host_known_good && !state.verifying) {
    const auto good = std::to_string(*context.host_known_good);
    rescue = said(action("rollback/rescue", {}, MenuAction::rescue_rollback),
                  sentence("Generation %s \xE2\x9C\x93 known good, from outside", {good}));
    rescue->command.generation = *context.host_known_good;
    rescue->confirm = Confirmation{
        sentence("Roll back from outside"),
        sentence("The agent of %1$s does not answer. Make generation %2$s, the last known-good one, its system from "
                 "outside (as root, with that generation's own nixtray-agent) and restart %1$s? Every open session "
                 "in it ends.",
                 {context.distro_name, good}),
        "Roll back"};
  }
  if (menu.children.empty() && !rescue) {
    menu.children.push_back(header("rollback/none", is_connected(state) ? "No generations" : "Not connected"));
    disable(menu, blocker.empty() ? sentence("there are no generations to roll back to") : blocker);
  } else if (rescue) {
    if (!menu.children.empty()) menu.children.push_back(separator());
    menu.children.push_back(std::move(*rescue));
  } else if (!blocker.empty()) {
    disable(menu, blocker);
  }
  return menu;
}

// The status line's sentences (TrayPresentation::detail_sentences) as one line of the menu.
MenuItem status_line(const TrayPresentation& view) {
  if (view.detail_sentences.empty()) return header("status-line", shorten(view.detail, 200));
  auto line = view.detail_sentences.front();
  for (std::size_t i = 1; i < view.detail_sentences.size(); ++i) {
    auto both = sentence("%1$s %2$s", {std::string(), std::string()});
    both.nest(0, std::move(line));
    both.nest(1, view.detail_sentences[i]);
    line = std::move(both);
  }
  auto item = said(header("status-line", {}), std::move(line));
  item.label = shorten(item.label, 200);
  return item;
}

void add_status_lines(std::vector<MenuItem>& items, const TrayState& state, const MenuContext& context) {
  const auto view = present(state, context.distro_name);
  switch (state.condition) {
    case TrayCondition::rebuilding:
      if (const auto job = running_job(state)) {
        auto line = job->percent ? sentence("%1$s: %2$s (%3$s%%)",
                                            {std::string(job_gerund(*job)), job->text, std::to_string(*job->percent)})
                                 : sentence("%1$s: %2$s", {std::string(job_gerund(*job)), job->text});
        line.translated = {0};
        line.nest(1, job->text_sentence);
        items.push_back(said(header("status-line", {}), std::move(line)));
        auto log = action("job/show-log", "Show log", MenuAction::show_job_log);
        log.command.job_id = job->job_id;
        items.push_back(std::move(log));
        auto cancel_label = sentence("Cancel %s", {std::string(job_noun(*job))});
        cancel_label.translated = {0};
        auto cancel = said(action("job/cancel", {}, MenuAction::cancel_job), std::move(cancel_label));
        cancel.command.job_id = job->job_id;
        const auto blocker = agent_action_blocker(state, "jobs.cancel", true);
        if (!blocker.empty()) {
          disable(cancel, blocker);
        } else if (job->phase == protocol::JobPhase::activating || job->phase == protocol::JobPhase::restoring) {
          disable(cancel,
                  sentence("the job is activating the new generation; stopping now could leave it half-switched"));
        }
        items.push_back(std::move(cancel));
      }
      break;
    case TrayCondition::rebuild_failed:
      if (const auto failure = job_failure(state)) {
        // The agent's summary of what failed, as it said it.
        items.push_back(said(header("status-line", {}), sentence("%s", {shorten(failure->summary, 200)})));
        auto log = action("job/show-log", "Show log", MenuAction::show_job_log);
        log.command.job_id = failure->job_id;
        items.push_back(std::move(log));
        items.push_back(action("job/dismiss", "Dismiss", MenuAction::dismiss_failure));
      }
      break;
    case TrayCondition::verify_failed:
      items.push_back(status_line(view));
      items.push_back(action("job/dismiss", "Dismiss", MenuAction::dismiss_failure));
      break;
    case TrayCondition::verifying:
    case TrayCondition::connecting:
      items.push_back(status_line(view));
      break;
    case TrayCondition::unreachable:
      items.push_back(status_line(view));
      items.push_back(action("reconnect", "Reconnect now", MenuAction::reconnect));
      break;
    default:
      if (state.distro_action_failure) {
        items.push_back(status_line(view));
      }
      break;
  }
}

// At the top, so an unchecked generation is seen before anything else; it starts the check when
// the tray can restart the distro.
void add_verification_line(std::vector<MenuItem>& items, const TrayState& state, const MenuContext& context) {
  const auto view = verification_view(state);
  if (!view) return;
  const bool failed = view->state == protocol::VerificationState::failed;
  const auto number = std::to_string(view->generation);
  if (!context.has_lifecycle) {
    items.push_back(
        said(header("verification", {}), sentence(failed ? "\xE2\x9A\xA0 Generation %s failed boot verification"
                                                         : "\xE2\x9A\xA0 Generation %s is unverified",
                                                  {number})));
    return;
  }
  auto verify = said(action("verification", {}, MenuAction::verify_boot),
                     sentence(failed ? "\xE2\x9A\xA0 Generation %s failed boot verification \xE2\x80\x94 Verify "
                                       "now\xE2\x80\xA6"
                                     : "\xE2\x9A\xA0 Generation %s is unverified \xE2\x80\x94 Verify now\xE2\x80\xA6",
                              {number}));
  verify.confirm = verify_boot_confirmation(context);
  auto blocker = agent_action_blocker(state, "verify.preflight", false);
  if (blocker.empty()) blocker = job_blocker(state);
  if (!blocker.empty()) disable(verify, blocker);
  items.push_back(std::move(verify));
}

void add_failed_units(std::vector<MenuItem>& items, const TrayState& state, const MenuContext& context) {
  if (!state.status || state.status->failed_units.empty()) {
    return;
  }
  const auto& units = state.status->failed_units;
  const auto shown = std::min(units.size(), context.max_failed_units);
  for (std::size_t i = 0; i < shown; ++i) {
    auto item = said(action("unit/" + units[i].name, {}, MenuAction::show_unit),
                     sentence("\xE2\x9C\x97 %s failed", {units[i].name}));
    item.command.unit = units[i].name;
    items.push_back(std::move(item));
  }
  if (units.size() > shown) {
    items.push_back(
        said(action("units/more", {}, MenuAction::show_status_window),
             counted("%s more failed unit\xE2\x80\xA6", "%s more failed units\xE2\x80\xA6", units.size() - shown)));
  }
}

}  // namespace

std::vector<MenuItem> target_actions(const std::string& name, const TrayState& state, const MenuContext& context) {
  auto own = context;
  own.targets.clear();
  auto built = MenuModel::build(state, own);
  std::vector<MenuItem> actions;
  for (auto& item : built.items) {
    const auto& id = item.id;
    if (id == "distro/start" || id == "distro/stop" || id == "rebuild" || id == "verify-boot" || id == "try-on-copy" ||
        id == "rollback") {
      actions.push_back(std::move(item));
    }
  }
  name_target(actions, name);
  return actions;
}

MenuModel MenuModel::build(const TrayState& state, const MenuContext& context) {
  MenuModel menu;
  auto& items = menu.items;
  items.push_back(header("header", present(state, context.distro_name).tooltip));
  if (context.targets.size() > 1 || !context.found_distros.empty()) items.push_back(targets_menu(context));
  add_verification_line(items, state, context);
  add_status_lines(items, state, context);
  add_failed_units(items, state, context);
  items.push_back(separator());

  if (context.has_lifecycle) {
    const bool down =
        state.condition == TrayCondition::stopped ||
        (!is_connected(state) && (state.power == DistroPower::stopped || state.power == DistroPower::missing));
    if (down || (state.condition == TrayCondition::starting && state.user_starting)) {
      auto start = action("distro/start", "Start distro", MenuAction::start_distro);
      if (state.user_starting) disable(start, sentence("the distro is starting"));
      if (state.power == DistroPower::missing) {
        disable(start, sentence("there is no distro named %s", {context.distro_name}));
      }
      if (state.verifying) disable(start, sentence("boot verification controls the distro now"));
      items.push_back(std::move(start));
    } else {
      auto stop = action("distro/stop", "Shut down distro", MenuAction::stop_distro);
      stop.confirm = Confirmation{sentence("Shut down %s", {context.distro_name}),
                                  sentence("Shut down %s? This ends every open session in it.", {context.distro_name}),
                                  "Shut down"};
      if (state.user_stopped) disable(stop, sentence("the distro is shutting down"));
      if (state.verifying) disable(stop, sentence("boot verification controls the distro now"));
      if (const auto job = running_job(state)) {
        disable(stop, running_job_sentence("%1$s job %2$s is running; shutting down would interrupt it", *job));
      }
      items.push_back(std::move(stop));
    }
    if (context.can_shut_down_all) {
      auto all =
          action("distro/shutdown-all", "Shut down WSL (every distro)\xE2\x80\xA6", MenuAction::shutdown_all_distros);
      all.confirm = Confirmation{sentence("Shut down WSL"),
                                 sentence("Shut down WSL? This stops every WSL distro, not only %s, and ends every "
                                          "open session in them.",
                                          {context.distro_name}),
                                 "Shut down"};
      if (state.verifying) disable(all, sentence("boot verification controls the distro now"));
      if (const auto job = running_job(state)) {
        disable(all, running_job_sentence("%1$s job %2$s is running; shutting down would interrupt it", *job));
      }
      items.push_back(std::move(all));
    }
  }

  items.push_back(rebuild_menu(state, context));
  {
    // Changes nothing by itself (the update is built in a copy of the flake), so nothing is asked
    // here: the Update window asks once it shows what moved.
    auto update = action("update", "Update\xE2\x80\xA6", MenuAction::update);
    auto blocker = agent_action_blocker(state, "jobs.start", true);
    if (blocker.empty()) blocker = job_blocker(state);
    if (!blocker.empty()) disable(update, blocker);
    items.push_back(std::move(update));
  }

  if (context.has_lifecycle) {
    auto verify = action("verify-boot", "Verify boot\xE2\x80\xA6", MenuAction::verify_boot);
    verify.confirm = verify_boot_confirmation(context);
    auto blocker = agent_action_blocker(state, "verify.preflight", false);
    if (blocker.empty()) blocker = job_blocker(state);
    if (!blocker.empty()) disable(verify, blocker);
    items.push_back(std::move(verify));
  }
  if (context.can_try_on_copy) {
    auto trial = action("try-on-copy", "Try the rebuild on a copy\xE2\x80\xA6", MenuAction::try_on_copy);
    trial.confirm = Confirmation{
        sentence("Try the rebuild on a copy"),
        sentence("Make a throw-away copy of %1$s (wsl.exe --export and --import), rebuild it for the next boot and "
                 "restart it to verify the boot? %1$s itself is not changed or restarted; the copy needs as much disk "
                 "space as it uses and is removed afterwards.",
                 {context.distro_name}),
        "Make a copy and try"};
    if (context.trying_on_copy) disable(trial, sentence("a trial on a copy runs already"));
    if (state.verifying) disable(trial, sentence("boot verification controls the distro now"));
    items.push_back(std::move(trial));
  }

  items.push_back(rollback_menu(state, context));
  items.push_back(separator());

  // A terminal starts a stopped distro first, as `wsl.exe -d` does; the label says so.
  const bool starts = context.has_lifecycle && state.condition == TrayCondition::stopped;
  items.push_back(
      action("terminal", starts ? "Open terminal (starts the distro)" : "Open terminal", MenuAction::open_terminal));
  items.push_back(action("status-window", "Status window", MenuAction::show_status_window));
  items.push_back(action("space", "Disk space\xE2\x80\xA6", MenuAction::show_space));
  items.push_back(action("settings", "Settings\xE2\x80\xA6", MenuAction::open_settings));
  auto login = action("start-at-login", "Start at login", MenuAction::toggle_start_at_login);
  login.checked = context.start_at_login;
  items.push_back(std::move(login));
  items.push_back(separator());
  items.push_back(action("quit", "Quit", MenuAction::quit));
  return menu;
}

namespace {
const MenuItem* find_in(const std::vector<MenuItem>& items, std::string_view id) {
  for (const auto& item : items) {
    if (item.id == id) return &item;
    if (const auto* found = find_in(item.children, id)) return found;
  }
  return nullptr;
}
}  // namespace

const MenuItem* MenuModel::find(std::string_view id) const { return find_in(items, id); }

}  // namespace nixtray::tray
