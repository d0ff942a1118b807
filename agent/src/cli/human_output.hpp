// What the command line prints for people (scripts use --json instead).
#pragma once

#include "nixtray/protocol/generations.hpp"
#include "nixtray/protocol/status.hpp"

#include <cstdint>
#include <string>

namespace nixtray::agent {

std::string format_status(const protocol::Status& status, std::int64_t now);
std::string format_generations(const protocol::GenerationsList& list);
std::string format_local_time(std::int64_t unix_seconds);
std::string format_duration(std::int64_t seconds);

}  // namespace nixtray::agent
