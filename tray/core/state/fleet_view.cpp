#include "core/state/fleet_view.hpp"

#include "core/state/state_text.hpp"

namespace nixtray::tray {

int attention(TrayCondition condition) {
  switch (condition) {
    case TrayCondition::rebuild_failed:
    case TrayCondition::verify_failed:
      return 7;
    case TrayCondition::unreachable:
      return 6;
    case TrayCondition::degraded:
      return 5;
    case TrayCondition::verifying:
    case TrayCondition::rebuilding:
      return 4;
    case TrayCondition::starting:
    case TrayCondition::stopping:
    case TrayCondition::connecting:
      return 3;
    case TrayCondition::running:
      return 2;
    case TrayCondition::stopped:
      return 1;
  }
  return 0;
}

FleetView fleet_view(const std::vector<TargetState>& targets) {
  FleetView view;
  int worst = 0;
  std::string lines;
  for (const auto& target : targets) {
    if (!target.state) continue;
    const auto& state = *target.state;
    const auto presented = present(state, target.name);
    if (attention(state.condition) > worst) {
      worst = attention(state.condition);
      view.worst = state.condition;
      view.icon = presented.icon;
      view.worst_target = target.name;
    }
    view.unverified_badge = view.unverified_badge || presented.unverified_badge;
    lines += "\n" + target.name + ": " + condition_words(state.condition);
    if (presented.unverified_badge) lines += ", unverified";
  }
  const auto count = std::to_string(targets.size());
  view.tooltip = shorten("nixtray: " + count + (targets.size() == 1 ? " target" : " targets") + lines,
                         TrayPresentation::tooltip_limit);
  return view;
}

}  // namespace nixtray::tray
