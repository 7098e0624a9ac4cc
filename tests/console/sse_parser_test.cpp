// console/model/sse_parser: the event stream format of the WHATWG HTML
// standard, "9.2.6 Interpreting an event stream": "Lines must be separated
// by either a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character
// pair, a single U+000A LINE FEED (LF) character, or a single U+000D
// CARRIAGE RETURN (CR) character"; "If the line is empty (a blank line)
// -> Dispatch the event"; "If the line starts with a U+003A COLON
// character (:) -> Ignore the line"; "If the field name is "data" ->
// Append the field value to the data buffer, then append a single U+000A
// LINE FEED (LF) character"; a data buffer that is empty is not
// dispatched.

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "console/model/sse_parser.hpp"

using namespace ivm::console;

namespace {

/// The events of `wire` fed in pieces of `step` bytes.
std::vector<sse_event> in_pieces(std::string_view wire, std::size_t step) {
  sse_parser p;
  std::vector<sse_event> out;
  for (std::size_t i = 0; i < wire.size(); i += step)
    for (auto& e : p.feed(wire.substr(i, step)))
      out.push_back(std::move(e));
  return out;
}

} // namespace

TEST(sse_parser, events_as_the_box_sends_them) {
  sse_parser p;
  auto out = p.feed("event: stats\ndata: {\"uptime_s\":5}\n\n"
                    "event: log\ndata: [\"a\",\"b\"]\n\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].name, "stats");
  EXPECT_EQ(out[0].data, R"({"uptime_s":5})");
  EXPECT_EQ(out[1].name, "log");
  EXPECT_EQ(out[1].data, R"(["a","b"])");
}

TEST(sse_parser, every_split_of_the_stream_gives_the_same_events) {
  const std::string wire =
      ": a comment\r\n"
      "event: alert\r\ndata: {\"id\":1,\r\ndata:\"text\":\"x\"}\r\n\r\n"
      "data: plain\rid: 7\r\r"
      "event: stats\ndata\n\n";
  for (std::size_t step = 1; step <= wire.size(); ++step) {
    auto out = in_pieces(wire, step);
    ASSERT_EQ(out.size(), 3u) << "step " << step;
    EXPECT_EQ(out[0].name, "alert");
    // Multi-line data joined by LF; no space after the colon is fine.
    EXPECT_EQ(out[0].data, "{\"id\":1,\n\"text\":\"x\"}");
    EXPECT_EQ(out[1].name, "message"); // no event field
    EXPECT_EQ(out[1].data, "plain");
    EXPECT_EQ(out[1].id, "7");
    EXPECT_EQ(out[2].name, "stats"); // "data" alone: an empty line of data
    EXPECT_EQ(out[2].data, "");
  }
}

TEST(sse_parser, a_split_crlf_is_one_line_end) {
  sse_parser p;
  EXPECT_TRUE(p.feed("data: x\r").empty());
  // The LF completes the CRLF: it is not the blank line that dispatches.
  EXPECT_TRUE(p.feed("\n").empty());
  auto out = p.feed("\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "x");
}

TEST(sse_parser, comments_and_blocks_without_data_dispatch_nothing) {
  sse_parser p;
  EXPECT_TRUE(p.feed(":keep-alive\n\nevent: stats\n\nretry: 10\n\n").empty());
  // The event name does not leak into the next block.
  auto out = p.feed("data: 1\n\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "message");
}

TEST(sse_parser, an_overlong_line_is_dropped_not_kept) {
  sse_parser p;
  std::string huge(sse_parser::max_line + 10, 'x');
  EXPECT_TRUE(p.feed("event: stats\ndata: ").empty());
  EXPECT_TRUE(p.feed(huge).empty());
  EXPECT_TRUE(p.feed("\n\n").empty()); // the event lost a line
  EXPECT_EQ(p.dropped(), 1u);
  auto out = p.feed("data: next\n\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "next");
}

TEST(sse_parser, reset_forgets_a_partial_event) {
  sse_parser p;
  EXPECT_TRUE(p.feed("event: stats\ndata: {\"upt").empty());
  p.reset();
  auto out = p.feed("data: 2\n\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "message");
  EXPECT_EQ(out[0].data, "2");
}

TEST(sse_parser, random_bytes_do_not_crash_and_it_recovers) {
  std::mt19937 rng{12345};
  std::uniform_int_distribution<int> byte{0, 255};
  std::uniform_int_distribution<std::size_t> len{0, 300};
  const char alphabet[] = "event:data:id\r\n: x{}\"";
  std::uniform_int_distribution<std::size_t> pick{0, sizeof alphabet - 2};
  for (int round = 0; round < 2000; ++round) {
    sse_parser p;
    std::size_t fed = 0;
    for (int chunk = 0; chunk < 8; ++chunk) {
      std::string bytes(len(rng), '\0');
      for (auto& c : bytes)
        c = round % 2 ? static_cast<char>(byte(rng)) : alphabet[pick(rng)];
      fed += bytes.size();
      for (auto& e : p.feed(bytes))
        ASSERT_LE(e.data.size(), fed); // nothing made up
    }
    // After garbage, a blank line ends whatever was open; then a clean
    // event comes through whole.
    p.feed("\n\n");
    auto out = p.feed("event: stats\ndata: ok\n\n");
    ASSERT_EQ(out.size(), 1u) << "round " << round;
    EXPECT_EQ(out[0].name, "stats");
    EXPECT_EQ(out[0].data, "ok");
  }
}
