// Folds events into the tray's state. Pure: no I/O, no clock; the same events give the same state.
#pragma once

#include "core/state/tray_event.hpp"
#include "core/state/tray_state.hpp"

namespace nixtray::tray {

class TrayStateReducer {
 public:
  [[nodiscard]] static TrayState reduce(TrayState state, const TrayEvent& event);
  // The condition the facts in `state` add up to (reduce() sets it after every event).
  [[nodiscard]] static TrayCondition derive_condition(const TrayState& state);
};

}  // namespace nixtray::tray
