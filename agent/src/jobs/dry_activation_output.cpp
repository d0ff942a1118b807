#include "jobs/dry_activation_output.hpp"

#include "jobs/unit_list_text.hpp"
#include "nixtray/protocol/wire_text.hpp"

#include <utility>

namespace nixtray::agent {

namespace {

constexpr std::size_t max_other_lines = 100;
constexpr std::size_t max_other_bytes = 1024;

}  // namespace

protocol::DryActivation parse_dry_activation(std::string_view output) {
  protocol::DryActivation result;
  const std::pair<std::string_view, std::vector<std::string>*> lists[] = {
      {"would stop the following units: ", &result.stop},
      {"would NOT stop the following changed units: ", &result.not_stopped},
      {"would reload the following units: ", &result.reload},
      {"would restart the following units: ", &result.restart},
      {"would start the following units: ", &result.start},
  };
  while (!output.empty()) {
    const auto newline = output.find('\n');
    auto line = output.substr(0, newline);
    output.remove_prefix(newline == std::string_view::npos ? output.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.starts_with("would ")) continue;
    bool listed = false;
    for (const auto& [lead, units] : lists) {
      if (line.starts_with(lead)) {
        for (auto& unit : parse_unit_list(line.substr(lead.size()))) units->push_back(std::move(unit));
        listed = true;
        break;
      }
    }
    if (listed) continue;
    if (line == "would restart systemd") {
      result.restart_systemd = true;
    } else if (!line.starts_with("would activate the configuration") && result.other.size() < max_other_lines) {
      std::string kept(line.substr(0, max_other_bytes));
      protocol::replace_invalid_utf8(kept);
      result.other.push_back(std::move(kept));
    }
  }
  return result;
}

}  // namespace nixtray::agent
