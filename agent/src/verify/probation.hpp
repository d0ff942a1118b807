// The probation after a passed boot check: the generation becomes known-good only once it has run
// for the probation time with no unit failing that the pass had not already accepted. A failure
// voids it (it does not restart it): the generation stays verified — it booted and passed — but
// is not what a rollback falls back to until it is checked again. Pure logic: times and unit lists
// in, decisions out; VerificationService applies them.
#pragma once

#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/verification.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nixtray::agent {

protocol::Probation begin_probation(std::int64_t now, std::chrono::seconds length);

// The names of failed units: what a pass accepted when its probation began.
std::vector<std::string> unit_names(const std::vector<protocol::Unit>& units);

// After systemd changed: units of the baseline that are no longer failed leave it (failing again
// counts), and the reason to void the probation when a unit outside it has failed.
std::optional<std::string> failure_during_probation(std::vector<std::string>& baseline,
                                                    const std::vector<protocol::Unit>& failed_now);

void end_probation(protocol::Probation& probation, protocol::ProbationState state, std::int64_t now,
                   std::optional<std::string> reason = std::nullopt);

}  // namespace nixtray::agent
