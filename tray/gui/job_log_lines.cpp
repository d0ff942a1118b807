#include "job_log_lines.hpp"

#include <algorithm>

namespace nixtray::gui {

void JobLogLines::reset(std::string job_id) {
  job_id_ = std::move(job_id);
  blocks_.clear();
  index_.clear();
  complete_ = false;
}

JobLogLines::Added JobLogLines::add(const protocol::LogChunk& chunk) {
  Added added;
  const auto have = static_cast<std::int64_t>(index_.size());
  if (chunk.from > have) {
    // Lines before this chunk have not arrived: keep nothing of it, ask for the gap.
    added.gap = have;
    return added;
  }
  for (std::size_t i = static_cast<std::size_t>(have - chunk.from); i < chunk.lines.size(); ++i) {
    append(chunk.lines[i]);
    ++added.lines;
  }
  if (chunk.complete && chunk.next <= static_cast<std::int64_t>(index_.size())) {
    complete_ = true;
  }
  return added;
}

void JobLogLines::append(std::string_view line) {
  // A line longer than a block is cut: the list shows one screen line anyway.
  line = line.substr(0, std::min(line.size(), block_size));
  if (blocks_.empty() || blocks_.back().size() + line.size() > block_size) {
    blocks_.emplace_back();
    blocks_.back().reserve(block_size);
  }
  auto& block = blocks_.back();
  index_.push_back(LineRef{static_cast<std::uint32_t>(blocks_.size() - 1), static_cast<std::uint32_t>(block.size()),
                           static_cast<std::uint32_t>(line.size())});
  block.append(line);
}

std::string_view JobLogLines::line(std::size_t i) const {
  if (i >= index_.size()) {
    return {};
  }
  const auto& ref = index_[i];
  return std::string_view(blocks_[ref.block]).substr(ref.offset, ref.length);
}

}  // namespace nixtray::gui
