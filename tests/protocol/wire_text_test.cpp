#include "nixtray/protocol/wire_text.hpp"
#include "catch.hpp"

#include <string>

using namespace nixtray::protocol;

TEST_CASE("valid UTF-8 is left untouched") {
  std::string text = "plain ascii, café, 日本語, 🙂";
  const auto copy = text;
  CHECK_FALSE(replace_invalid_utf8(text));
  CHECK(text == copy);
}

TEST_CASE("each invalid sequence becomes one U+FFFD") {
  struct Case {
    std::string input;
    std::string expected;
  };
  const std::string r = "\xEF\xBF\xBD";
  const Case cases[] = {
      {"a\xFF"
       "b",
       "a" + r + "b"},                      // never valid byte
      {"\xC0\xAF", r + r},                  // overlong '/' (C0 is never valid)
      {"\xE0\x80\xAF", r + r + r},          // overlong 3-byte: E0 needs A0..BF next
      {"\xED\xA0\x80", r + r + r},          // UTF-16 surrogate
      {"\xF4\x90\x80\x80", r + r + r + r},  // above U+10FFFF
      {"ab\xE6\x97", "ab" + r},             // truncated at the end: one maximal subpart
      {"\xE6\x97"
       "x",
       r + "x"},    // truncated in the middle
      {"\x80", r},  // lone continuation byte
  };
  for (const auto& c : cases) {
    std::string text = c.input;
    INFO("input bytes: " << c.input.size());
    CHECK(replace_invalid_utf8(text));
    CHECK(text == c.expected);
  }
}

TEST_CASE("a message with invalid UTF-8 inside a string still parses, with U+FFFD") {
  auto parsed = parse_line("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":{\"x\":\"a\xFF\"}}");
  REQUIRE(parsed.value);
  CHECK(parsed.value->at("params").at("x") == "a\xEF\xBF\xBD");
}

TEST_CASE("nesting is limited to 64 levels before any DOM is built") {
  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
  };
  CHECK_FALSE(nesting_exceeds(nested(64)));
  CHECK(nesting_exceeds(nested(65)));
  CHECK(parse_line(nested(64)).value);
  const auto deep = parse_line(std::string(100000, '['));
  REQUIRE(deep.error);
  CHECK(deep.error->is(ErrorCode::parse_error));
  CHECK(deep.error->message.find("64") != std::string::npos);
}

TEST_CASE("brackets inside strings do not count as nesting") {
  CHECK_FALSE(nesting_exceeds("{\"a\":\"" + std::string(1000, '[') + "\"}"));
  CHECK_FALSE(nesting_exceeds(R"({"a":"\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})"));
}

TEST_CASE("malformed JSON is a parse error with a message") {
  const auto parsed = parse_line("{\"jsonrpc\":");
  REQUIRE(parsed.error);
  CHECK(parsed.error->is(ErrorCode::parse_error));
  CHECK_FALSE(parsed.error->message.empty());
}

TEST_CASE("HTTP request lines are recognised") {
  CHECK(looks_like_http("GET / HTTP/1.1"));
  CHECK(looks_like_http("POST /rpc HTTP/1.1"));
  CHECK(looks_like_http("Host: localhost:7428"));
  CHECK(looks_like_http("host: x"));
  CHECK_FALSE(looks_like_http("{\"jsonrpc\":\"2.0\"}"));
  CHECK_FALSE(looks_like_http("GETTER"));
}
