// LineFramer fed in chunks gives the same lines as when fed everything at once, and both agree
// with a plain split of the input: lines up to the first one over the limit, then too_large for
// good. A line starting with '#' announces a payload (jobs.log's bytes form): its second byte
// modulo 8 bytes (none for a bare '#') follow it as they are. The first input byte picks the line
// limit and the next four the chunk sizes, so the fuzzer can move both while the stream itself
// stays the whole input.
#include "fuzz_oracle.hpp"
#include "nixtray/protocol/line_framer.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using nixtray::fuzz::require;
using nixtray::protocol::LineFramer;

namespace {

struct Framed {
  std::vector<std::string> lines;
  bool too_large = false;
  std::size_t pending_bytes = 0;  // an unfinished last line; only meaningful without too_large

  bool operator==(const Framed&) const = default;
};

// How many payload bytes a line announces (the rule above), if it announces any.
std::optional<std::size_t> announced_payload(const std::string& line) {
  if (line.empty() || line.front() != '#') return std::nullopt;
  return line.size() > 1 ? std::size_t{static_cast<std::uint8_t>(line[1])} % 8 : 0;
}

// Takes every line the framer has; after too_large it must keep saying so.
void drain(LineFramer& framer, Framed& out) {
  for (;;) {
    auto next = framer.next();
    if (next.status == LineFramer::Status::complete) {
      require(!out.too_large, "a complete line after too_large");
      if (next.payload) {
        out.lines.push_back("payload:" + next.line);
        continue;
      }
      if (const auto payload = announced_payload(next.line)) framer.expect_payload(*payload);
      out.lines.push_back(std::move(next.line));
    } else if (next.status == LineFramer::Status::too_large) {
      out.too_large = true;
      require(framer.next().status == LineFramer::Status::too_large, "too_large is not sticky");
      return;
    } else {
      require(!out.too_large, "need_more after too_large");
      return;
    }
  }
}

Framed frame_whole(std::string_view stream, std::size_t limit) {
  LineFramer framer(limit);
  Framed out;
  framer.feed(stream);
  drain(framer, out);
  if (!out.too_large) out.pending_bytes = framer.buffered_bytes();
  return out;
}

Framed frame_chunked(std::string_view stream, std::size_t limit, const std::uint8_t* chunk_sizes) {
  LineFramer framer(limit);
  Framed out;
  for (std::size_t i = 0; !stream.empty(); ++i) {
    // 0 is a valid size: an empty read must not change anything.
    const std::size_t size = std::min<std::size_t>(chunk_sizes[i % 4] % 32, stream.size());
    framer.feed(stream.substr(0, size));
    stream.remove_prefix(size);
    drain(framer, out);
    // Keep feeding after too_large: the framer must ignore it, not grow or crash.
  }
  if (!out.too_large) {
    out.pending_bytes = framer.buffered_bytes();
    require(framer.has_partial_line() == (out.pending_bytes > 0), "has_partial_line disagrees with buffered_bytes");
  }
  return out;
}

// The contract in plain terms: split at '\n', drop one trailing '\r', a line (or the unfinished
// rest) longer than the limit ends the stream.
Framed frame_reference(std::string_view stream, std::size_t limit) {
  Framed out;
  for (;;) {
    const auto newline = stream.find('\n');
    const auto length = newline == std::string_view::npos ? stream.size() : newline;
    if (length > limit) {
      out.too_large = true;
      return out;
    }
    if (newline == std::string_view::npos) {
      out.pending_bytes = length;
      return out;
    }
    std::string line(stream.substr(0, length));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto payload = announced_payload(line);
    out.lines.push_back(std::move(line));
    stream.remove_prefix(newline + 1);
    if (!payload) continue;
    if (*payload > limit) {
      out.too_large = true;
      return out;
    }
    if (stream.size() < *payload) {
      out.pending_bytes = stream.size();
      return out;
    }
    out.lines.push_back("payload:" + std::string(stream.substr(0, *payload)));
    stream.remove_prefix(*payload);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const std::string_view stream(reinterpret_cast<const char*>(data), size);
  const std::size_t limit = std::size_t{1} << (data[0] % 12);  // 1 .. 2048 bytes
  std::uint8_t chunk_sizes[4] = {data[1], data[2], data[3], data[4]};
  if (std::all_of(std::begin(chunk_sizes), std::end(chunk_sizes), [](std::uint8_t s) { return s % 32 == 0; })) {
    chunk_sizes[0] = 1;  // some chunk must take bytes, or feeding never ends
  }

  const auto whole = frame_whole(stream, limit);
  const auto chunked = frame_chunked(stream, limit, chunk_sizes);
  const auto reference = frame_reference(stream, limit);
  require(whole.lines == chunked.lines, "chunked feeding gives other lines than feeding at once");
  require(whole.too_large == chunked.too_large, "chunked feeding reports too_large differently");
  require(whole == chunked, "chunked feeding leaves another unfinished line");
  require(whole == reference, "the framer disagrees with a plain split of the input");
  return 0;
}
