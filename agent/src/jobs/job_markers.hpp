// The job runner's side of the job log: `@nixtray {...}` lines that tell the agent the phase,
// a declared failure, or a result note. Written by the runner, read by JobLogAnalyzer.
#pragma once

#include "nixtray/protocol/jobs.hpp"

#include <string>

namespace nixtray::agent {

std::string phase_marker(protocol::JobPhase phase);
std::string failure_marker(const protocol::JobFailure& failure);
std::string result_marker(const std::string& note);
std::string system_marker(const std::string& store_path);  // the system a rebuild built
std::string dry_activation_marker(const protocol::DryActivation& preview);
std::string freed_marker(std::int64_t bytes);                    // what a gc's collection deleted
std::string update_marker(const protocol::FlakeUpdate& update);  // the inputs an update moved
std::string lock_written_marker(const std::string& lock_file);   // a switch replaced this lock

}  // namespace nixtray::agent
