// jobs.log's raw form (`"format": "raw"`): the bytes of a job's log file as they are, in large
// slices with a byte offset to continue from, so reading a long log whole costs about what
// copying the file does (no numbering, no per-line JSON). A slice ends after a newline while the
// file goes on (at a UTF-8 character boundary when 4 MiB hold no newline), so every slice is whole
// text and the slices of a valid UTF-8 file concatenate to exactly its bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace nixtray::agent {

struct RawLogSlice {
  std::string text;        // bytes from..next
  std::uint64_t next = 0;  // the offset to ask for next
  bool at_end = false;     // next is the end of the file as it is now
};

// Up to max_bytes of `file` from byte `from`; nullopt when the file cannot be opened. `from` at or
// past the end gives no text and next = from. While the file is still written (`finished` false)
// its last, unfinished line is left for a later slice.
std::optional<RawLogSlice> read_raw_log_slice(const std::filesystem::path& file, std::uint64_t from,
                                              std::size_t max_bytes, bool finished);

}  // namespace nixtray::agent
