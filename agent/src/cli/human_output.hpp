// What the command line prints for people (scripts use --json instead).
#pragma once

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/jobs.hpp"
#include "nixtray/protocol/status.hpp"
#include "nixtray/protocol/units.hpp"

#include <cstdint>
#include <string>

namespace nixtray::agent {

std::string format_status(const protocol::Status& status, std::int64_t now);
std::string format_generations(const protocol::GenerationsList& list);
// Like `nix store diff-closures`: "hello: 2.12.1 → 2.12.2, +1.0 KiB", then the closure sizes.
std::string format_generations_diff(const protocol::GenerationsDiff& diff);
// Like systemctl list-units / --failed, and like journalctl -u.
std::string format_units(const protocol::UnitsListResult& list);
std::string format_unit_log(const protocol::UnitsLogResult& log);
std::string format_jobs(const protocol::JobsList& list, std::int64_t now);
std::string format_job(const protocol::Job& job);
std::string format_local_time(std::int64_t unix_seconds);
std::string format_duration(std::int64_t seconds);

}  // namespace nixtray::agent
