// The unit lists switch-to-configuration prints ("...the following units: a.service, b.socket"),
// read back: names separated by commas, anything that is not a unit name left out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nixtray::agent {

// A systemd unit name: allowed characters, then a dot and a lowercase type ("foo@bar.service").
bool looks_like_unit_name(std::string_view name);

std::vector<std::string> parse_unit_list(std::string_view list);

}  // namespace nixtray::agent
