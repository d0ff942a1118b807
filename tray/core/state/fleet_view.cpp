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

Sentence target_state_line(const std::string& name, TrayCondition condition, bool unverified,
                           std::string_view separator) {
  const std::string between(separator);
  auto line = sentence(unverified ? "%1$s" + between + "%2$s, unverified" : "%1$s" + between + "%2$s",
                       {name, condition_words(condition)});
  line.translated = {1};
  return line;
}

FleetView fleet_view(const std::vector<TargetState>& targets) {
  FleetView view;
  int worst = 0;
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
    view.lines.push_back(target_state_line(target.name, state.condition, presented.unverified_badge, ": "));
  }
  view.heading = counted("nixtray: %s target", "nixtray: %s targets", targets.size());
  view.tooltip = fleet_tooltip(view, [](const Sentence& s) { return s.english(); });
  return view;
}

std::string fleet_tooltip(const FleetView& view, const SentenceWords& say) {
  auto text = say(view.heading);
  for (const auto& line : view.lines) text += "\n" + say(line);
  return shorten(text, TrayPresentation::tooltip_limit);
}

}  // namespace nixtray::tray
