// One job's log as the Jobs page holds it: lines placed by their index as chunks arrive (the
// jobs.log history in pages, log:<id> events live, possibly overlapping or with a gap when
// events raced the history), stored compactly so a million lines stay cheap: text in 1 MiB
// blocks, 12 bytes of index per line. wx-free; the virtual list reads line(i) on demand.
#pragma once

#include "nixtray/protocol/jobs.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nixtray::gui {

class JobLogLines {
 public:
  struct Added {
    std::size_t lines = 0;            // new lines appended
    std::optional<std::int64_t> gap;  // lines from here on are missing: fetch them
  };

  void reset(std::string job_id);
  [[nodiscard]] const std::string& job_id() const { return job_id_; }

  Added add(const protocol::LogChunk& chunk);
  // Appends lines directly (no indices): for a caller that generates them itself.
  void append(std::string_view line);

  [[nodiscard]] std::size_t size() const { return index_.size(); }
  [[nodiscard]] std::string_view line(std::size_t i) const;
  [[nodiscard]] bool complete() const { return complete_; }

 private:
  struct LineRef {
    std::uint32_t block;
    std::uint32_t offset;
    std::uint32_t length;
  };
  static constexpr std::size_t block_size = 1 << 20;

  std::string job_id_;
  std::vector<std::string> blocks_;
  std::vector<LineRef> index_;
  bool complete_ = false;
};

}  // namespace nixtray::gui
