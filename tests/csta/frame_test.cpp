// appliance/csta framing (ECMA-323 Annex J) against the captured frames of
// tests/vectors/csta/pyssimist-captured: the consistent ones read, the ones
// whose length lies do not over-read and break the stream cleanly.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "appliance/csta/frame.hpp"

namespace csta = ivm::csta;
namespace fs = std::filesystem;

namespace {

const fs::path vectors =
    fs::path{IVM_SOURCE_DIR} / "tests/vectors/csta/pyssimist-captured";

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

} // namespace

TEST(csta_frame, encodes_the_whole_length_and_four_digits) {
  auto f = csta::encode_frame(42, "<a/>");
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, std::string("\0\0\0\x0c"
                            "0042<a/>",
                            12));
  EXPECT_FALSE(csta::encode_frame(10000, "<a/>"));
  EXPECT_FALSE(csta::encode_frame(1, std::string(65528, 'x')));
  EXPECT_TRUE(csta::encode_frame(9999, std::string(65527, 'x')));
}

TEST(csta_frame, captured_frames_read_whole_and_split_anywhere) {
  for (auto name : {"01-ServiceInitiatedEvent", "02-OriginatedEvent"}) {
    auto bin = slurp(vectors / (std::string{name} + ".framed.bin"));
    ASSERT_GT(bin.size(), 8u) << name;
    // Two frames back to back, fed one byte at a time.
    csta::frame_reader r;
    std::vector<csta::frame> got;
    for (char c : bin + bin) {
      r.feed(std::string_view{&c, 1});
      csta::frame f;
      while (r.next(f) == csta::frame_reader::status::frame)
        got.push_back(f);
    }
    ASSERT_EQ(got.size(), 2u) << name;
    EXPECT_EQ(got[0].invoke_id, 9999u);
    EXPECT_EQ(got[0].xml, bin.substr(8));
    EXPECT_EQ(r.buffered(), 0u);
  }
}

TEST(csta_frame, a_length_that_lies_waits_without_over_reading) {
  // 04 declares 46,145 bytes for 436: the reader waits for the rest (the
  // link's timers end it), holding only what arrived.
  auto bin =
      slurp(vectors / "04-StartApplicationSessionPosResponse.framed.bin");
  csta::frame_reader r;
  r.feed(bin);
  csta::frame f;
  EXPECT_EQ(r.next(f), csta::frame_reader::status::more);
  EXPECT_EQ(r.buffered(), bin.size());
  // With a limit below it, the stream is broken at once.
  csta::frame_reader small(16384);
  small.feed(bin);
  EXPECT_EQ(small.next(f), csta::frame_reader::status::error);
  EXPECT_NE(small.why().find("too large"), std::string::npos);
  EXPECT_EQ(small.buffered(), 0u);
  EXPECT_EQ(small.next(f), csta::frame_reader::status::error); // stays
}

TEST(csta_frame, broken_headers_are_stream_errors) {
  for (std::string bad : {std::string("\x01\0\0\x0c"
                                      "0001<a/>",
                                      12),
                          std::string("\0\0\0\x07"
                                      "0001<a/>",
                                      12),
                          std::string("\0\0\0\x0c"
                                      "00x1<a/>",
                                      12),
                          std::string("<?xml version='1.0'?><a/>")}) {
    csta::frame_reader r;
    r.feed(bad);
    csta::frame f;
    EXPECT_EQ(r.next(f), csta::frame_reader::status::error);
    EXPECT_FALSE(r.why().empty());
  }
}

TEST(csta_frame, invoke_ids_wrap_and_never_take_the_events_id) {
  csta::invoke_ids ids;
  EXPECT_EQ(ids.next(), 1u);
  std::uint16_t last = 0;
  for (int i = 0; i < 20000; ++i) {
    last = ids.next();
    ASSERT_GE(last, 1u);
    ASSERT_LE(last, 9998u);
  }
}
