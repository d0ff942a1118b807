// Reads what `switch-to-configuration dry-activate` prints (nixpkgs' switch-to-configuration.pl and
// switch-to-configuration-ng print the same lines, on stderr, one per kind, units sorted and joined
// with ", "): "would stop the following units: ...", "would NOT stop the following changed units:
// ...", "would reload ...", "would restart ...", "would start ...", "would restart systemd".
// Other "would ..." lines (e.g. a swap device) are kept as they are; everything else (the
// activation script's own dry-run output) is left in the job log.
#pragma once

#include "nixtray/protocol/dry_activation.hpp"

#include <string_view>

namespace nixtray::agent {

protocol::DryActivation parse_dry_activation(std::string_view output);

}  // namespace nixtray::agent
