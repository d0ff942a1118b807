// What `switch-to-configuration dry-activate` says activating a system would do to the running
// one: Job.dry_activation of a rebuild job in mode "dry-activate".
#pragma once

#include "nixtray/protocol/json.hpp"

#include <string>
#include <vector>

namespace nixtray::protocol {

struct DryActivation {
  std::vector<std::string> stop;         // "would stop the following units: ..."
  std::vector<std::string> not_stopped;  // "would NOT stop the following changed units: ..."
  std::vector<std::string> reload;       // "would reload the following units: ..."
  std::vector<std::string> restart;      // "would restart the following units: ..."
  std::vector<std::string> start;        // "would start the following units: ..."
  bool restart_systemd = false;          // "would restart systemd"
  std::vector<std::string> other;        // any other "would ..." line, as printed
};
void to_json(json& j, const DryActivation& d);
void from_json(const json& j, DryActivation& d);

}  // namespace nixtray::protocol
