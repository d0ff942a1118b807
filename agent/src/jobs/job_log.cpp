#include "jobs/job_log.hpp"

#include "jobs/job_log_line.hpp"

#include <algorithm>
#include <deque>
#include <fstream>

namespace nixtray::agent {

namespace {

constexpr std::int64_t lines_per_checkpoint = 256;
constexpr std::size_t read_chunk = 64 * 1024;

struct Walk {
  std::uint64_t position;  // up to here everything was handed over or skipped
  bool at_end;             // it stopped at the end of the file (a partial last line is left)
};

// Walks raw lines from `offset` (a line start, or inside the rest of a cut line when `skipping`),
// calling on_line(raw line, offset of its start) for every complete one. A line longer than
// max_raw_line_bytes is handed over cut, ending with cut_line_marker, and the rest of it up to
// its newline is skipped without being kept. Stops when on_line returns false, at the end of the
// file, or (between lines) once `max_scan` bytes were looked at.
template <class OnLine>
Walk for_each_raw_line(const std::filesystem::path& file, std::uint64_t offset, bool& skipping, std::uint64_t max_scan,
                       OnLine on_line) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return {offset, true};
  in.seekg(static_cast<std::streamoff>(offset));
  std::string pending;
  std::uint64_t position = offset;  // start of `pending`, or where skipping has reached
  std::string chunk(read_chunk, '\0');
  for (;;) {
    if (pending.empty() && position - offset >= max_scan) return {position, false};
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) return {position, true};
    const std::string_view data(chunk.data(), n);
    std::size_t start = 0;
    while (start < n) {
      const auto newline = data.find('\n', start);
      const auto end = newline == std::string_view::npos ? n : newline;
      if (skipping) {
        position += end - start + (newline == std::string_view::npos ? 0 : 1);
        if (newline == std::string_view::npos) break;
        skipping = false;
        start = end + 1;
        continue;
      }
      const auto room = max_raw_line_bytes - pending.size();
      if (end - start > room) {
        // Too long: handed over as its start and the marker; the rest is skipped, never kept.
        pending.append(data.substr(start, room));
        const auto line_start = position;
        position += max_raw_line_bytes;
        start += room;
        skipping = true;
        pending.append(cut_line_marker);
        const bool go_on = on_line(std::string_view(pending), line_start);
        pending.clear();
        if (!go_on) return {position, false};
        continue;
      }
      pending.append(data.substr(start, end - start));
      if (newline == std::string_view::npos) break;
      const auto line_start = position;
      position += pending.size() + 1;
      const bool go_on = on_line(std::string_view(pending), line_start);
      pending.clear();
      if (!go_on) return {position, false};
      start = end + 1;
    }
  }
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
  const auto walk =
      for_each_raw_line(file_, consumed_, skipping_, max_bytes, [&](std::string_view raw, std::uint64_t offset) {
        if (checkpoints_.empty() || lines_since_checkpoint_ >= lines_per_checkpoint) {
          checkpoints_.push_back({line_count_, offset});
          lines_since_checkpoint_ = 0;
        }
        for (auto& line : reader(raw)) {
          if (keep_last == 0) {
            ++chunk.from;  // numbered, not kept: nobody reads this chunk's lines
          } else {
            kept.push_back(std::move(line));
            if (kept.size() > keep_last) {
              kept.pop_front();
              ++chunk.from;
            }
          }
          ++line_count_;
          ++lines_since_checkpoint_;
        }
        // After a cut line, the next line gets a checkpoint: reading past the line's skipped rest
        // (which may be huge) is then never needed to serve the lines after it.
        if (skipping_) lines_since_checkpoint_ = lines_per_checkpoint;
        return offset + raw.size() + 1 - start < max_bytes &&
               static_cast<std::uint64_t>(line_count_ - first_line) < max_lines;
      });
  consumed_ = walk.position;
  caught_up_ = walk.at_end;  // else a budget stopped it: the caller comes back for the rest
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
  std::size_t bytes = 0;
  bool skipping = false;  // a checkpoint is always at the start of a raw line
  // Enough to cross one cut line and a slice; the rest of a cut line beyond it is not looked at
  // (the lines after it start at a checkpoint of their own).
  const std::uint64_t max_scan = 2 * max_raw_line_bytes + max_slice_bytes;
  for_each_raw_line(file_, start.offset, skipping, max_scan, [&](std::string_view raw, std::uint64_t offset) {
    if (offset >= consumed_) return false;  // not yet numbered by read_appended
    for (auto& line : visible_lines(raw)) {
      if (index >= from && index < wanted_end && (chunk.lines.empty() || bytes < max_slice_bytes)) {
        bytes += line.size();
        chunk.lines.push_back(std::move(line));
      } else if (index >= from) {
        return false;
      }
      ++index;
    }
    return index < wanted_end;
  });
  chunk.next = from + static_cast<std::int64_t>(chunk.lines.size());
  return chunk;
}

}  // namespace nixtray::agent
