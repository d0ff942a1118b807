// What to do next when the tray cannot get to a working agent for reasons a person has to fix: no
// distro of the configured name, a distro without the nixtray agent, or an agent of another
// protocol version. Pure: the status window shows it (with the snippet to copy); tests read it.
#pragma once

#include "core/state/tray_state.hpp"

#include <optional>
#include <string>

namespace nixtray::tray {

enum class OnboardingStep { install_nixos, add_agent, update_agent };
std::string_view to_string(OnboardingStep step);

struct OnboardingAdvice {
  OnboardingStep step = OnboardingStep::add_agent;
  std::string title;        // "Add the nixtray agent to NixOS"
  std::string explanation;  // why, and what to do, in a few sentences
  std::string snippet;      // text to copy (configuration lines or commands); may be empty
};

// Advice for the state, or nothing when the state needs none (connected, starting, stopped by the
// user, a transient failure such as a timeout).
std::optional<OnboardingAdvice> onboarding_advice(const TrayState& state, const std::string& distro_name);

}  // namespace nixtray::tray
