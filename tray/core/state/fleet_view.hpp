// What the tray shows for several targets at once (issue 21): the icon of the worst state among
// the watched targets, and a tooltip with one line per target. The worst is what most needs the
// person: a failed check or job beats an agent that does not answer (nothing is known about that
// target), which beats failed units, which beat work under way; a running target beats a stopped one (a stopped distro
// is normal on WSL: it starts at the first command).
#pragma once

#include "core/state/tray_state.hpp"

#include <string>
#include <vector>

namespace nixtray::tray {

struct TargetState {
  std::string name;
  const TrayState* state = nullptr;
};

struct FleetView {
  IconId icon = IconId::stopped;
  TrayCondition worst = TrayCondition::stopped;
  std::string worst_target;       // whose state the icon shows; empty without targets
  bool unverified_badge = false;  // some watched target's next boot is unverified
  std::string tooltip;            // "nixtray: 3 targets" and one line per target, within tooltip_limit
  // The same in parts, for a front end that translates them (fleet_tooltip).
  Sentence heading;             // "nixtray: 3 targets"
  std::vector<Sentence> lines;  // "test: degraded, unverified"
};

// How much a condition needs the person, higher first (the icon shows the highest).
[[nodiscard]] int attention(TrayCondition condition);

[[nodiscard]] FleetView fleet_view(const std::vector<TargetState>& targets);

// The tooltip from its parts, each in the words `say` gives it, within tooltip_limit.
[[nodiscard]] std::string fleet_tooltip(const FleetView& view, const SentenceWords& say);

// "test — degraded, unverified": a target with its state (the Targets submenu, the Overview's
// Target field); the condition is a phrase core's catalogue translates.
[[nodiscard]] Sentence target_state_line(const std::string& name, TrayCondition condition, bool unverified,
                                         std::string_view separator);

}  // namespace nixtray::tray
