#include "nixtray/protocol/line_framer.hpp"
#include "catch.hpp"

#include <random>
#include <string>
#include <vector>

using nixtray::protocol::LineFramer;
using Status = LineFramer::Status;

namespace {

std::vector<std::string> drain(LineFramer& framer) {
  std::vector<std::string> lines;
  for (auto next = framer.next(); next.status == Status::complete; next = framer.next()) {
    lines.push_back(next.line);
  }
  return lines;
}

}  // namespace

TEST_CASE("framer splits complete lines and keeps the rest for later") {
  LineFramer framer(1024);
  framer.feed("one\ntwo\nthr");
  CHECK(drain(framer) == std::vector<std::string>{"one", "two"});
  CHECK(framer.has_partial_line());
  framer.feed("ee\n");
  CHECK(drain(framer) == std::vector<std::string>{"three"});
  CHECK_FALSE(framer.has_partial_line());
  CHECK(framer.next().status == Status::need_more);
}

TEST_CASE("framer tolerates CRLF and keeps empty lines") {
  LineFramer framer(1024);
  framer.feed("a\r\n\nb\n");
  CHECK(drain(framer) == std::vector<std::string>{"a", "", "b"});
}

TEST_CASE("framer gives the same lines whatever the chunk boundaries") {
  const std::string stream = "{\"a\":1}\n{\"b\":[1,2,3]}\n\n{\"c\":\"x\\ny\"}\nlast\n";
  LineFramer whole(1024);
  whole.feed(stream);
  const auto expected = drain(whole);
  std::mt19937 random(42);
  for (int round = 0; round < 200; ++round) {
    LineFramer framer(1024);
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < stream.size()) {
      const auto size = std::uniform_int_distribution<std::size_t>(1, 7)(random);
      framer.feed(std::string_view(stream).substr(pos, size));
      pos += size;
      for (auto& line : drain(framer)) lines.push_back(line);
    }
    REQUIRE(lines == expected);
  }
}

TEST_CASE("framer reports too_large as soon as a line exceeds the limit, without buffering it") {
  LineFramer framer(16);
  framer.feed(std::string(10, 'x'));
  CHECK(framer.next().status == Status::need_more);
  framer.feed(std::string(10, 'x'));
  CHECK(framer.next().status == Status::too_large);
  CHECK(framer.buffered_bytes() == 0);
  // Poisoned: the stream cannot be resynchronised.
  framer.feed("ok\n");
  CHECK(framer.next().status == Status::too_large);
}

TEST_CASE("framer accepts a line of exactly the limit and refuses one byte more") {
  LineFramer exact(8);
  exact.feed("12345678\n");
  CHECK(exact.next().line == "12345678");
  LineFramer over(8);
  over.feed("123456789\n");
  CHECK(over.next().status == Status::too_large);
}

TEST_CASE("framer memory stays bounded over many lines") {
  LineFramer framer(64);
  for (int i = 0; i < 10000; ++i) {
    framer.feed("line\n");
    REQUIRE(framer.next().status == Status::complete);
  }
  CHECK(framer.buffered_bytes() == 0);
}

TEST_CASE("framer hands over a payload after its line whole and as it is, newlines and all, then lines again") {
  LineFramer framer(64);
  framer.feed("{\"bytes\":11}\nab\r\n");
  const auto head = framer.next();
  CHECK(head.line == "{\"bytes\":11}");
  CHECK_FALSE(head.payload);
  framer.expect_payload(11);
  CHECK(framer.next().status == Status::need_more);  // 4 of 11 bytes so far
  framer.feed("\ncd\nef");
  CHECK(framer.next().status == Status::need_more);
  framer.feed("gnext line\n");
  const auto payload = framer.next();
  CHECK(payload.status == Status::complete);
  CHECK(payload.payload);
  CHECK(payload.line == "ab\r\n\ncd\nefg");  // no '\r' dropped, no line split
  const auto after = framer.next();
  CHECK(after.line == "next line");
  CHECK_FALSE(after.payload);
  CHECK(framer.next().status == Status::need_more);
}

TEST_CASE("framer: payloads that fill its buffer alone, one after another, and the lines between them") {
  // The client's jobs.log bytes form: a result line, then its payload in reads of its own.
  LineFramer framer(64);
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    framer.feed("{\"bytes\":6}\n");
    REQUIRE(framer.next().line == "{\"bytes\":6}");
    framer.expect_payload(6);
    framer.feed("abc");
    CHECK(framer.next().status == Status::need_more);
    framer.feed("de\n");
    const auto payload = framer.next();
    CHECK(payload.payload);
    CHECK(payload.line == "abcde\n");
    CHECK(framer.buffered_bytes() == 0);
    CHECK(framer.next().status == Status::need_more);
  }
  framer.feed("last\n");
  CHECK(framer.next().line == "last");
}

TEST_CASE("framer: an empty payload is there at once, one over the line limit is too_large") {
  LineFramer framer(8);
  framer.expect_payload(0);
  const auto empty = framer.next();
  CHECK(empty.payload);
  CHECK(empty.line.empty());
  framer.feed("line\n");
  CHECK(framer.next().line == "line");
  framer.expect_payload(9);
  CHECK(framer.next().status == Status::too_large);
}
