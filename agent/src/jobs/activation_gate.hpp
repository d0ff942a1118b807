// The point of no return of a job: from the moment its runner repoints the system profile or runs
// switch-to-configuration, stopping it could leave a half-switched system or an unverified
// default, so a cancel must be refused from then on. Neither side may learn that moment from the
// log (the agent reads it later, in steps, or not at all while it restarts), so the runner and the
// agent race for one file in the job's directory, <job>/activation-gate, created exclusively:
// the runner claims it with "activate" right before the point of no return, the agent with
// "cancel" when asked to cancel. Whoever creates it first decides; the other one reads the
// decision and complies (the runner stops before activating, the agent refuses the cancel).
#pragma once

#include "jobs/job_files.hpp"

#include <optional>

namespace nixtray::agent {

enum class GateClaim { activate, cancel };

// Claims the gate for `claim` unless it was claimed before; returns the claim that holds.
// Throws std::runtime_error when the gate can be neither created nor read.
GateClaim claim_activation_gate(const JobFiles& files, GateClaim claim);

}  // namespace nixtray::agent
