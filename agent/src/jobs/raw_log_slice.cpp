#include "jobs/raw_log_slice.hpp"

#include <algorithm>
#include <fstream>

namespace nixtray::agent {

namespace {

// The length of `text` without a UTF-8 sequence cut at its end.
std::size_t whole_characters(const std::string& text) {
  std::size_t end = text.size();
  for (std::size_t back = 1; back <= 3 && back <= text.size(); ++back) {
    const auto byte = static_cast<unsigned char>(text[text.size() - back]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    const std::size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    if (length > back) end = text.size() - back;  // its sequence goes on past the slice
    break;
  }
  return end;
}

}  // namespace

std::optional<RawLogSlice> read_raw_log_slice(const std::filesystem::path& file, std::uint64_t from,
                                              std::size_t max_bytes, bool finished) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::uint64_t>(in.tellg());
  RawLogSlice slice;
  slice.next = from;
  if (from >= size) {
    slice.at_end = true;
    return slice;
  }
  const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(size - from, max_bytes));
  slice.text.resize(wanted);
  in.seekg(static_cast<std::streamoff>(from));
  in.read(slice.text.data(), static_cast<std::streamsize>(wanted));
  slice.text.resize(static_cast<std::size_t>(in.gcount()));
  if (from + slice.text.size() < size || !finished) {
    // More follows: end after the last newline, or (a line longer than the slice) at least at a
    // character boundary.
    const auto newline = slice.text.rfind('\n');
    if (newline != std::string::npos) {
      slice.text.resize(newline + 1);
    } else if (from + slice.text.size() < size) {
      if (const auto keep = whole_characters(slice.text); keep > 0) slice.text.resize(keep);
    } else {
      slice.text.clear();  // only the start of the line being written: wait for the rest
    }
  }
  slice.next = from + slice.text.size();
  slice.at_end = slice.next >= size;
  return slice;
}

}  // namespace nixtray::agent
