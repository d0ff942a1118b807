#include "nixtray/protocol/line_framer.hpp"

namespace nixtray::protocol {

void LineFramer::feed(std::string_view bytes) {
  if (overflowed_) {
    return;  // nothing more will be read from this stream
  }
  // Drop consumed lines before growing, so the buffer stays near one line plus one read.
  if (scan_from_ > 0 && scan_from_ >= buffer_.size() / 2) {
    buffer_.erase(0, scan_from_);
    scan_from_ = 0;
  }
  buffer_.append(bytes);
}

void LineFramer::expect_payload(std::size_t bytes) {
  if (bytes > max_line_bytes_) {
    overflowed_ = true;
    buffer_.clear();
    scan_from_ = searched_up_to_ = 0;
    return;
  }
  payload_bytes_ = bytes;
  // Room for the whole payload at once: appending a large one read by read would reallocate and
  // copy it a dozen times on the way.
  buffer_.reserve(scan_from_ + bytes);
}

LineFramer::Next LineFramer::next() {
  if (overflowed_) {
    return {Status::too_large, {}};
  }
  if (payload_bytes_) {
    const auto wanted = *payload_bytes_;
    if (buffer_.size() - scan_from_ < wanted) {
      return {Status::need_more, {}};
    }
    payload_bytes_.reset();
    searched_up_to_ = 0;
    if (scan_from_ == 0 && buffer_.size() == wanted) {
      // The buffer holds the payload alone: handed over whole, not copied.
      Next whole{Status::complete, std::move(buffer_), true};
      buffer_.clear();
      return whole;
    }
    Next payload{Status::complete, buffer_.substr(scan_from_, wanted), true};
    scan_from_ += wanted;
    if (scan_from_ == buffer_.size()) {
      buffer_.clear();
      scan_from_ = 0;
    }
    return payload;
  }
  const auto search_start = scan_from_ + searched_up_to_;
  const auto newline = buffer_.find('\n', search_start);
  if (newline == std::string::npos) {
    searched_up_to_ = buffer_.size() - scan_from_;
    if (searched_up_to_ > max_line_bytes_) {
      overflowed_ = true;
      buffer_.clear();
      buffer_.shrink_to_fit();
      scan_from_ = searched_up_to_ = 0;
      return {Status::too_large, {}};
    }
    return {Status::need_more, {}};
  }
  auto length = newline - scan_from_;
  if (length > max_line_bytes_) {
    overflowed_ = true;
    buffer_.clear();
    scan_from_ = searched_up_to_ = 0;
    return {Status::too_large, {}};
  }
  std::string line = buffer_.substr(scan_from_, length);
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  scan_from_ = newline + 1;
  searched_up_to_ = 0;
  if (scan_from_ == buffer_.size()) {
    buffer_.clear();
    scan_from_ = 0;
  }
  return {Status::complete, std::move(line)};
}

}  // namespace nixtray::protocol
