// Splits a byte stream into '\n'-terminated lines. Pure: no I/O, fed by whoever reads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nixtray::protocol {

class LineFramer {
 public:
  enum class Status { complete, need_more, too_large };
  struct Next {
    Status status;
    std::string line;      // without the '\n' (and without a trailing '\r'); set when complete
    bool payload = false;  // `line` is the payload asked for by expect_payload(), bytes as they came
  };

  explicit LineFramer(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  void feed(std::string_view bytes);
  // Changes the limit from the next line on (the agent raises it once a connection has said hello).
  void set_max_line_bytes(std::size_t max_line_bytes) { max_line_bytes_ = max_line_bytes; }

  // The next complete line, need_more, or too_large once the pending line exceeds the limit.
  // After too_large the framer stays in that state: the stream cannot be resynchronised.
  Next next();

  // The next `bytes` bytes are a payload that follows the line just returned (jobs.log's bytes
  // form): next() returns them whole, as they are, before any further line. More than the line
  // limit is too_large.
  void expect_payload(std::size_t bytes);

  // Bytes of an unfinished line are waiting (used for the per-line deadline).
  [[nodiscard]] bool has_partial_line() const { return scan_from_ < buffer_.size(); }
  [[nodiscard]] std::size_t buffered_bytes() const { return buffer_.size() - scan_from_; }

 private:
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t scan_from_ = 0;       // start of the first unconsumed line
  std::size_t searched_up_to_ = 0;  // bytes after scan_from_ already known to hold no '\n'
  bool overflowed_ = false;
  std::optional<std::size_t> payload_bytes_;  // set while a payload is expected
};

}  // namespace nixtray::protocol
