// The reading side of a job's log file: numbers its visible lines (see job_log_line.hpp), reads
// what was appended since last time, and serves any range of lines through a sparse index of
// byte offsets, so a million-line log costs a few kilobytes of memory, not the log itself.
// Every read is bounded: a raw line longer than max_raw_line_bytes is cut there (the rest of it
// is skipped, never buffered), appending stops after a step's budget, and a slice stops after
// max_slice_bytes of text.
#pragma once

#include "nixtray/protocol/jobs.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nixtray::agent {

// A build can print a line of any length (a minified file, a binary dumped to stderr).
inline constexpr std::size_t max_raw_line_bytes = 16 * 1024 * 1024;
// What a cut line ends with, after its first max_raw_line_bytes bytes.
inline constexpr std::string_view cut_line_marker = " [nixtray: line cut, it was longer than 16 MiB]";
// Text of the lines of one read() at most (always at least one line, whatever its length).
inline constexpr std::size_t max_slice_bytes = 4 * 1024 * 1024;

class JobLog {
 public:
  explicit JobLog(std::filesystem::path file) : file_(std::move(file)) {}

  // Turns one raw line into its visible lines (visible_lines(), or an analyzer that also learns
  // from the line: it must give the same lines).
  using LineReader = std::function<std::vector<std::string>(std::string_view raw_line)>;

  // Reads complete lines appended since the last call, each through `reader`; the visible lines
  // are returned for the `log:<id>` event, at most `keep_last` of them (the earlier ones stay
  // readable through read()).
  // Stops after about `max_bytes` of raw log or `max_lines` visible lines (a whole raw line more
  // at most); caught_up() tells whether it reached the end of what was written.
  protocol::LogChunk read_appended(const LineReader& reader, std::size_t keep_last = 1000,
                                   std::uint64_t max_bytes = UINT64_MAX, std::size_t max_lines = SIZE_MAX);
  // Whether the last read_appended reached the end of the file (false before the first one).
  [[nodiscard]] bool caught_up() const { return caught_up_; }

  // Lines [from, from+limit) of what has been read so far, fewer when they hold more than
  // max_slice_bytes of text. `complete` is left false: whether the job has finished is the
  // caller's knowledge.
  [[nodiscard]] protocol::LogChunk read(std::int64_t from, int limit) const;

  [[nodiscard]] std::int64_t line_count() const { return line_count_; }
  [[nodiscard]] bool exists() const;

 private:
  struct Checkpoint {
    std::int64_t first_line;  // visible index of the first line produced at `offset`
    std::uint64_t offset;     // byte offset of a raw line start
  };

  std::filesystem::path file_;
  std::uint64_t consumed_ = 0;  // bytes of complete (or cut and skipped) raw lines read so far
  bool skipping_ = false;       // inside the rest of a cut line, up to its newline
  bool caught_up_ = false;
  std::int64_t line_count_ = 0;
  std::vector<Checkpoint> checkpoints_;
  std::int64_t lines_since_checkpoint_ = 0;
};

}  // namespace nixtray::agent
