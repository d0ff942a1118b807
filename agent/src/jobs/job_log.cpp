#include "jobs/job_log.hpp"

#include "jobs/job_log_line.hpp"

#include <algorithm>
#include <deque>
#include <fstream>

namespace nixtray::agent {

namespace {

constexpr std::int64_t lines_per_checkpoint = 256;
constexpr std::size_t read_chunk = 64 * 1024;

// Calls on_line(raw line, offset of its start) for every complete line from `offset` on, and
// returns the offset after the last complete line. Stops early when on_line returns false.
template <class OnLine>
std::uint64_t for_each_raw_line(const std::filesystem::path& file, std::uint64_t offset, OnLine on_line) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return offset;
  in.seekg(static_cast<std::streamoff>(offset));
  std::string pending;
  std::uint64_t pending_start = offset;
  std::string chunk(read_chunk, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    std::size_t start = 0;
    for (;;) {
      const auto newline = std::find(chunk.begin() + static_cast<std::ptrdiff_t>(start),
                                     chunk.begin() + static_cast<std::ptrdiff_t>(n), '\n');
      if (newline == chunk.begin() + static_cast<std::ptrdiff_t>(n)) {
        pending.append(chunk, start, n - start);
        break;
      }
      const auto end = static_cast<std::size_t>(newline - chunk.begin());
      pending.append(chunk, start, end - start);
      const auto line_start = pending_start;
      pending_start += pending.size() + 1;
      if (!on_line(std::string_view(pending), line_start)) return pending_start;
      pending.clear();
      start = end + 1;
    }
  }
  return pending_start;  // a partial last line is left for the next read
}

}  // namespace

bool JobLog::exists() const {
  std::error_code ec;
  return std::filesystem::exists(file_, ec);
}

protocol::LogChunk JobLog::read_appended(const LineReader& reader, std::size_t keep_last, std::uint64_t max_bytes,
                                         std::size_t max_lines) {
  protocol::LogChunk chunk;
  chunk.from = line_count_;
  const auto first_line = line_count_;
  std::deque<std::string> kept;
  const auto start = consumed_;
  caught_up_ = true;
  consumed_ = for_each_raw_line(file_, consumed_, [&](std::string_view raw, std::uint64_t offset) {
    if (checkpoints_.empty() || lines_since_checkpoint_ >= lines_per_checkpoint) {
      checkpoints_.push_back({line_count_, offset});
      lines_since_checkpoint_ = 0;
    }
    for (auto& line : reader(raw)) {
      kept.push_back(std::move(line));
      if (kept.size() > keep_last) {
        kept.pop_front();
        ++chunk.from;
      }
      ++line_count_;
      ++lines_since_checkpoint_;
    }
    if (offset + raw.size() + 1 - start >= max_bytes ||
        static_cast<std::uint64_t>(line_count_ - first_line) >= max_lines) {
      caught_up_ = false;  // possibly: the caller comes back for the rest
      return false;
    }
    return true;
  });
  chunk.lines.assign(std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
  chunk.next = line_count_;
  return chunk;
}

protocol::LogChunk JobLog::read(std::int64_t from, int limit) const {
  protocol::LogChunk chunk;
  from = std::clamp<std::int64_t>(from, 0, line_count_);
  chunk.from = from;
  chunk.next = from;
  if (from >= line_count_ || checkpoints_.empty()) {
    return chunk;
  }
  const auto after = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), from,
                                      [](std::int64_t value, const Checkpoint& c) { return value < c.first_line; });
  const auto& start = *std::prev(after);
  std::int64_t index = start.first_line;
  const auto wanted_end = std::min<std::int64_t>(from + limit, line_count_);
  for_each_raw_line(file_, start.offset, [&](std::string_view raw, std::uint64_t offset) {
    if (offset >= consumed_) return false;  // not yet numbered by read_appended
    for (auto& line : visible_lines(raw)) {
      if (index >= from && index < wanted_end) {
        chunk.lines.push_back(std::move(line));
      }
      ++index;
    }
    return index < wanted_end;
  });
  chunk.next = from + static_cast<std::int64_t>(chunk.lines.size());
  return chunk;
}

}  // namespace nixtray::agent
