// Whether the generation that boots next passed a boot check, as the tray shows it at a glance:
// the agent's status.verification (docs/verify-boot.md) turned into a badge, a menu line and a
// tooltip note. A generation made outside a boot check (a `nixos-rebuild switch` in a terminal)
// is "unverified" until one passes.
#pragma once

#include "core/state/sentence.hpp"
#include "core/state/tray_state.hpp"

#include "nixtray/protocol/verification.hpp"

#include <optional>
#include <string>

namespace nixtray::tray {

struct VerificationView {
  protocol::VerificationState state = protocol::VerificationState::unknown;
  int generation = 0;
  std::optional<std::string> store_path;
  // Made by a job of the agent (a rebuild or rollback without the check), not in a terminal.
  bool made_by_agent = false;
  bool badge = false;     // unverified or failed: the GUI draws a mark on the icon
  std::string menu_line;  // "Generation 43 is unverified"
  Sentence tooltip_note;  // "gen 43 unverified"
};

// Null while there is nothing to flag: no status, an agent that does not say (unknown), a check
// under way, or a verified default generation.
[[nodiscard]] std::optional<VerificationView> verification_view(const TrayState& state);

// "43 /nix/store/...": one unverified generation, for "notified once" (the settings keep it).
[[nodiscard]] std::string verification_key(const VerificationView& view);

}  // namespace nixtray::tray
