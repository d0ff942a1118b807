// What the agent decides before a job exists: whether the request may start (its texts within
// bounds, room in the Nix store for a rebuild, a usable rollback target), and everything the job's
// runner is given (the spec, the environment). Refusals are RpcExceptions with the protocol's
// codes; nothing here starts or records anything.
#pragma once

#include "config/agent_config.hpp"
#include "jobs/job_files.hpp"
#include "nixtray/protocol/jobs.hpp"
#include "nixtray/protocol/status.hpp"

#include <string>
#include <vector>

namespace nixtray::agent {

// -32602 when a text the job's record would keep (flake, system) is longer than 4096 bytes.
void check_param_sizes(const protocol::JobStartParams& params);

// -32005 with {"free_bytes", "required_bytes"} when the Nix store's filesystem has less room than
// the min-free-space setting asks for a rebuild.
void check_store_space(const AgentConfig& config);

// The runner's spec: the profile, the rebuild command, the generations a gc must keep (`marks`:
// current, booted and known-good, with the profile's default read now) and, for a rollback, its
// target (-32003 when there is none, -32005 when it cannot be used).
JobSpec make_job_spec(const std::string& id, const protocol::JobStartParams& params, const AgentConfig& config,
                      const protocol::GenerationTriple& marks);

// The runner's whole environment: what Nix and nixos-rebuild need from the agent's, nothing else.
std::vector<std::string> job_environment();

}  // namespace nixtray::agent
