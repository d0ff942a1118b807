// The agent's log: one line per event on stderr. Under systemd (JOURNAL_STREAM set) lines carry
// sd-daemon priority prefixes so the journal keeps their severity.
#pragma once

#include <string_view>

namespace nixtray::agent {

enum class LogLevel { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

void log(LogLevel level, std::string_view message);
inline void log_error(std::string_view message) { log(LogLevel::error, message); }
inline void log_warning(std::string_view message) { log(LogLevel::warning, message); }
inline void log_info(std::string_view message) { log(LogLevel::info, message); }
inline void log_debug(std::string_view message) { log(LogLevel::debug, message); }
void set_log_verbose(bool verbose);

}  // namespace nixtray::agent
