// The tray menu as data, built from the state and the settings each time it opens (some
// platforms never tell the app the menu is about to open, so it is never kept up to date).
// Items have stable ids the GUI maps to its own; a disabled item says why (the GUI shows that
// in the status line). Actions that end sessions or change the system carry a confirmation.
#pragma once

#include "core/state/tray_state.hpp"

#include "nixtray/protocol/jobs.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::tray {

enum class MenuAction {
  none,  // headers and information lines
  show_status_window,
  show_unit,  // a failed unit: its journal in the status window
  start_distro,
  stop_distro,
  shutdown_all_distros,  // WSL: wsl.exe --shutdown, every distro
  rebuild,               // with mode: starts the rebuild flow (RebuildFlow)
  verify_boot,
  rebuild_and_verify,  // rebuild with mode boot, then verify-boot (keep or roll back)
  update,              // update the flake's inputs in a copy, build, show what moved (RebuildFlow::begin_update)
  rollback,            // with generation
  rescue_rollback,     // with generation: from outside, when the agent does not answer; then restart
  cancel_job,          // with job_id
  show_job_log,        // with job_id
  dismiss_failure,
  reconnect,
  open_terminal,
  open_settings,
  show_space,  // the Space window
  toggle_start_at_login,
  select_target,  // with target: the target the menu's actions and the windows are for
  add_target,     // with distro: a WSL distro found without a target becomes one (target_discovery.hpp)
  try_on_copy,    // the rebuild and boot check on a throw-away copy of the distro (copy_trial.hpp)
  quit,
};
std::string_view to_string(MenuAction action);

struct MenuCommand {
  MenuAction action = MenuAction::none;
  std::optional<protocol::RebuildMode> mode;
  std::optional<int> generation;
  std::string unit;
  std::string job_id;
  bool without_verify = false;  // rebuild: not followed by verify boot, whatever the settings say
  std::string target;           // select_target, and the target any other command is for
  std::string distro;           // add_target
};

// A question asked before an action. Title and question are sentences (they name the distro and
// generations); the GUI translates them, tests and logs read their english().
struct Confirmation {
  Sentence title;
  Sentence question;
  std::string accept;  // the button: "Restart and verify" (fixed English, in the catalogue)
};

struct MenuItem {
  enum class Kind { action, header, separator, submenu };
  Kind kind = Kind::action;
  std::string id;  // stable: "rebuild/switch", "rollback/41", "unit/nginx.service"
  std::string label;
  // When the label has names or numbers in it: the same as a sentence a catalogue translates
  // (the GUI shows this one); `label` is its English.
  Sentence label_sentence;
  bool enabled = true;
  std::string disabled_reason;  // English (logs, tests)
  Sentence disabled_sentence;   // the same as a sentence the catalogue translates (the menu shows it)
  std::optional<bool> checked;  // a check item when set
  std::optional<Confirmation> confirm;
  MenuCommand command;
  std::vector<MenuItem> children;  // submenu
};

// A target the tray watches, for the menu's Targets submenu (shown with more than one).
struct MenuTarget {
  std::string name;
  TrayCondition condition = TrayCondition::connecting;
  bool unverified = false;
  bool selected = false;          // the one the rest of the menu is for
  std::vector<MenuItem> actions;  // target_actions(): its own submenu; none: a plain entry
};

// "test — degraded, unverified": a target with its state, in the Targets submenu and the
// Overview's Target field.
std::string target_line(const MenuTarget& target);
Sentence target_line_sentence(const MenuTarget& target);

struct MenuContext;
// A target's own actions for its entry in the Targets submenu: start or shut down, rebuild, verify
// boot and roll back, as MenuModel::build makes them for that target's state and context, with
// ids under "target/NAME/" (unique in the whole menu) and each command naming the target.
std::vector<MenuItem> target_actions(const std::string& name, const TrayState& state, const MenuContext& context);

struct MenuContext {
  std::string distro_name = "NixOS";
  bool has_lifecycle = false;      // false: Start, Shut down and Verify boot are hidden
  bool can_shut_down_all = false;  // WSL: "Shut down WSL (every distro)…" too
  std::optional<std::string> flake;
  bool review_rebuild = true;
  bool verify_after_rebuild = false;  // settings: Switch and Boot are followed by verify-boot (needs has_lifecycle)
  bool start_at_login = false;
  bool can_try_on_copy = false;        // the distro is controlled with wsl.exe: it can be exported
  bool trying_on_copy = false;         // a trial on a copy runs (one at a time)
  std::optional<int> host_known_good;  // remembered on the host (settings)
  std::size_t max_failed_units = 5;
  std::size_t max_rollback_entries = 8;
  std::vector<MenuTarget> targets;  // every watched target; the submenu appears with two or more
  // WSL distros found without a target, offered in the Targets submenu (which they make appear).
  std::vector<std::string> found_distros;
};

struct MenuModel {
  std::vector<MenuItem> items;

  static MenuModel build(const TrayState& state, const MenuContext& context);
  // Searches submenus too; nullptr when absent.
  [[nodiscard]] const MenuItem* find(std::string_view id) const;
};

}  // namespace nixtray::tray
