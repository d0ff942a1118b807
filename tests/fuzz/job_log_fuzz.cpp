// A job's raw log through JobLogAnalyzer, line by line, then everything the agent reads from it
// (progress, markers, the failure and its summary). Oracle: no crash, no sanitizer report. A line
// that starts with '{' gets the "@nix " prefix, so the fuzzer mutates Nix internal-json events
// freely; lines that already carry "@nix " or "@nixtray " stay as they are.
#include "jobs/job_log_analyzer.hpp"
#include "jobs/job_log_line.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using nixtray::agent::JobLogAnalyzer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view log(reinterpret_cast<const char*>(data), size);
  JobLogAnalyzer analyzer;
  while (!log.empty()) {
    const auto newline = log.find('\n');
    const auto raw = log.substr(0, newline);
    log.remove_prefix(newline == std::string_view::npos ? log.size() : newline + 1);
    const std::string line =
        raw.starts_with('{') ? std::string(nixtray::agent::nix_line_prefix) + std::string(raw) : std::string(raw);
    (void)analyzer.feed(line);
    (void)nixtray::agent::is_progress_only(line);
    (void)nixtray::agent::visible_lines(line);  // the path of a restarted agent re-reading the log
  }
  (void)analyzer.progress();
  (void)analyzer.result_note();
  (void)analyzer.system_path();
  (void)JobLogAnalyzer::summary_of(analyzer.failure(std::nullopt));
  (void)JobLogAnalyzer::summary_of(analyzer.failure(static_cast<int>(size % 256)));
  return 0;
}
