// A job's raw log through JobLogAnalyzer, line by line, then everything the agent reads from it
// (progress, markers, the failure and its summary). Oracle: no crash, no sanitizer report, and the
// analyzer's fast path (the flat scanner, flat_nix_event.hpp) gives exactly what a second analyzer
// that parses every line with nlohmann::json gives: each line's visible lines, the progress, the
// failure and the notes. A line
// that starts with '{' gets the "@nix " prefix, so the fuzzer mutates Nix internal-json events
// freely; lines that already carry "@nix " or "@nixtray " stay as they are.
#include "fuzz_oracle.hpp"
#include "jobs/job_log_analyzer.hpp"
#include "jobs/job_log_line.hpp"
#include "nixtray/protocol/jobs.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using nixtray::agent::JobLogAnalyzer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view log(reinterpret_cast<const char*>(data), size);
  JobLogAnalyzer analyzer;
  JobLogAnalyzer reference(JobLogAnalyzer::Reading::full_parse);
  while (!log.empty()) {
    const auto newline = log.find('\n');
    const auto raw = log.substr(0, newline);
    log.remove_prefix(newline == std::string_view::npos ? log.size() : newline + 1);
    const std::string line =
        raw.starts_with('{') ? std::string(nixtray::agent::nix_line_prefix) + std::string(raw) : std::string(raw);
    nixtray::fuzz::require(analyzer.feed(line) == reference.feed(line), "visible lines differ from the full parse's");
    (void)nixtray::agent::is_progress_only(line);
    (void)nixtray::agent::visible_lines(line);  // the path of a restarted agent re-reading the log
  }
  nixtray::fuzz::require(analyzer.progress() == reference.progress(), "progress differs from the full parse's");
  nixtray::fuzz::require(
      analyzer.result_note() == reference.result_note() && analyzer.system_path() == reference.system_path(),
      "notes differ from the full parse's");
  for (const auto exit_code : {std::optional<int>(), std::optional<int>(static_cast<int>(size % 256))}) {
    const nlohmann::json failure = analyzer.failure(exit_code);
    nixtray::fuzz::require(failure == nlohmann::json(reference.failure(exit_code)),
                           "the failure differs from the full parse's");
    (void)JobLogAnalyzer::summary_of(analyzer.failure(exit_code));
  }
  return 0;
}
