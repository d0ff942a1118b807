#include "support/logger.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace nixtray::agent {
namespace {

bool verbose_logging = false;

bool under_journal() {
  static const bool value = std::getenv("JOURNAL_STREAM") != nullptr;
  return value;
}

std::string_view label(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return "error";
    case LogLevel::warning:
      return "warning";
    case LogLevel::notice:
      return "notice";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
  }
  return "info";
}

}  // namespace

void set_log_verbose(bool verbose) { verbose_logging = verbose; }

void log(LogLevel level, std::string_view message) {
  if (level == LogLevel::debug && !verbose_logging) {
    return;
  }
  std::string line;
  if (under_journal()) {
    line = "<" + std::to_string(static_cast<int>(level)) + ">";
  } else {
    line = "nixtray-agent[" + std::string(label(level)) + "] ";
  }
  line.append(message);
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace nixtray::agent
