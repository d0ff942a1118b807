// The space report as the command lines print it (nixtray-agent space, nixtrayctl space): one
// text for both, English, for a terminal.
#pragma once

#include "nixtray/protocol/space.hpp"

#include <string>

namespace nixtray::text {

std::string space_report_text(const protocol::SpaceReport& report);

}  // namespace nixtray::text
