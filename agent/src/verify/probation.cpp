#include "verify/probation.hpp"

#include <algorithm>

namespace nixtray::agent {

protocol::Probation begin_probation(std::int64_t now, std::chrono::seconds length) {
  protocol::Probation probation;
  probation.state = protocol::ProbationState::running;
  probation.started = now;
  probation.until = now + length.count();
  return probation;
}

std::vector<std::string> unit_names(const std::vector<protocol::Unit>& units) {
  std::vector<std::string> names;
  for (const auto& unit : units) names.push_back(unit.name);
  return names;
}

std::optional<std::string> failure_during_probation(std::vector<std::string>& baseline,
                                                    const std::vector<protocol::Unit>& failed_now) {
  std::erase_if(baseline, [&](const std::string& name) {
    return std::none_of(failed_now.begin(), failed_now.end(), [&](const auto& unit) { return unit.name == name; });
  });
  for (const auto& unit : failed_now) {
    if (std::find(baseline.begin(), baseline.end(), unit.name) != baseline.end()) continue;
    return unit.name + " failed" + (unit.result.empty() ? std::string() : " (" + unit.result + ")") +
           " during the probation after the boot check";
  }
  return std::nullopt;
}

void end_probation(protocol::Probation& probation, protocol::ProbationState state, std::int64_t now,
                   std::optional<std::string> reason) {
  probation.state = state;
  probation.ended = now;
  probation.reason = std::move(reason);
}

}  // namespace nixtray::agent
