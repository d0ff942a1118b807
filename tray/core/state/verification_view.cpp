#include "core/state/verification_view.hpp"

namespace nixtray::tray {

std::optional<VerificationView> verification_view(const TrayState& state) {
  if (!state.status || state.verifying) return std::nullopt;
  const auto& verification = state.status->verification;
  if (!verification.generation) return std::nullopt;
  if (verification.state != protocol::VerificationState::unverified &&
      verification.state != protocol::VerificationState::failed) {
    return std::nullopt;
  }
  VerificationView view;
  view.state = verification.state;
  view.generation = *verification.generation;
  view.store_path = verification.store_path;
  view.badge = true;
  for (const auto& job : state.jobs) {
    if (job.generation_after == view.generation) view.made_by_agent = true;
  }
  const auto number = std::to_string(view.generation);
  if (view.state == protocol::VerificationState::unverified) {
    view.menu_line = "Generation " + number + " is unverified";
    view.tooltip_note = sentence("gen %s unverified", {number});
  } else {
    view.menu_line = "Generation " + number + " failed boot verification";
    view.tooltip_note = sentence("gen %s failed boot verification", {number});
  }
  return view;
}

std::string verification_key(const VerificationView& view) {
  return std::to_string(view.generation) + " " + view.store_path.value_or("");
}

}  // namespace nixtray::tray
