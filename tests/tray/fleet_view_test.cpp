// The icon and tooltip for several targets: the worst watched state wins.
#include "catch.hpp"
#include "tray_fixtures.hpp"

#include "core/state/fleet_view.hpp"

using namespace nixtray;
using namespace nixtray::tray;

namespace {

TrayState in(TrayCondition condition) {
  TrayState state;
  state.condition = condition;
  return state;
}

}  // namespace

TEST_CASE("the fleet's icon is its most urgent target's, a running one beats a stopped one") {
  const auto running = in(TrayCondition::running);
  const auto stopped = in(TrayCondition::stopped);
  const auto failed = in(TrayCondition::verify_failed);
  const auto degraded = in(TrayCondition::degraded);

  auto view = fleet_view({{"a", &stopped}, {"b", &running}});
  CHECK(view.icon == IconId::running);
  CHECK(view.worst_target == "b");

  view = fleet_view({{"a", &running}, {"b", &degraded}, {"c", &failed}, {"d", &stopped}});
  CHECK(view.icon == IconId::failed);
  CHECK(view.worst_target == "c");
  CHECK(view.tooltip == "nixtray: 4 targets\na: running\nb: degraded\nc: verify failed\nd: stopped");
  // In parts for a catalogue: the heading counted, each condition one of core's phrases, names as they are.
  const SentenceWords marked = [](const Sentence& s) {
    auto args = s.args;
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (s.is_translated(i)) args[i] = "<" + args[i] + ">";
    }
    return Sentence::fill(s.english_format(), args);
  };
  CHECK(fleet_tooltip(view, marked) ==
        "nixtray: 4 targets\na: <running>\nb: <degraded>\nc: <verify failed>\nd: <stopped>");
  CHECK(view.heading.plural == "nixtray: %s targets");
  CHECK(view.heading.count == 4);

  view = fleet_view({{"only", &stopped}});
  CHECK(view.icon == IconId::stopped);
  CHECK(view.tooltip == "nixtray: 1 target\nonly: stopped");
}

TEST_CASE("every condition has its place in the order of attention") {
  CHECK(attention(TrayCondition::rebuild_failed) > attention(TrayCondition::unreachable));
  CHECK(attention(TrayCondition::unreachable) > attention(TrayCondition::degraded));
  CHECK(attention(TrayCondition::degraded) > attention(TrayCondition::rebuilding));
  CHECK(attention(TrayCondition::rebuilding) > attention(TrayCondition::starting));
  CHECK(attention(TrayCondition::starting) > attention(TrayCondition::running));
  CHECK(attention(TrayCondition::running) > attention(TrayCondition::stopped));
}

TEST_CASE("a long list of targets is cut to what a Windows tooltip holds") {
  const auto running = in(TrayCondition::running);
  std::vector<TargetState> many;
  std::vector<std::string> names;
  names.reserve(20);
  many.reserve(20);
  for (int i = 0; i < 20; ++i) names.push_back("target-number-" + std::to_string(i));
  for (const auto& name : names) many.push_back({name, &running});
  CHECK(fleet_view(many).tooltip.size() <= TrayPresentation::tooltip_limit);
}
