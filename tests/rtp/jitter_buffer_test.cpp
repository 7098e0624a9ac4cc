// ivm::rtp::jitter_buffer: packets in by sequence number (RFC 3550 §5.1,
// with the A.1 extended sequence rules), frames and gaps out in order.

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/rtp/jitter_buffer.hpp"

namespace rtp = ivm::rtp;
using push_result = rtp::push_result;

namespace {

rtp::frame pkt(std::uint16_t seq) {
  rtp::frame f;
  f.sequence = seq;
  f.timestamp = static_cast<std::uint32_t>(seq) * 160;
  f.payload.assign(4, static_cast<std::uint8_t>(seq));
  return f;
}

// What came out, as text: "5" for frame 5, "gap6x2" for two lost from 6,
// "!7" for frame 7 after a discontinuity.
std::string drain(rtp::jitter_buffer& jb) {
  std::string out;
  while (auto o = jb.pop()) {
    if (!out.empty())
      out += ' ';
    if (o->what == rtp::jitter_output::kind::gap) {
      out += "gap" + std::to_string(o->first_missing) + "x" +
             std::to_string(o->missing);
    } else {
      if (o->discontinuity)
        out += '!';
      out += std::to_string(o->data.sequence);
      EXPECT_EQ(o->data.payload.at(0),
                static_cast<std::uint8_t>(o->data.sequence));
    }
  }
  return out;
}

} // namespace

TEST(jitter_buffer, in_order_packets_come_straight_out) {
  rtp::jitter_buffer jb;
  for (std::uint16_t s = 10; s < 14; ++s)
    EXPECT_EQ(jb.push(pkt(s)), push_result::accepted);
  EXPECT_EQ(drain(jb), "10 11 12 13");
  EXPECT_EQ(jb.pending(), 0u);
}

TEST(jitter_buffer, reordering_within_the_window_is_undone) {
  rtp::jitter_buffer jb;
  jb.push(pkt(1));
  jb.push(pkt(3));
  jb.push(pkt(4));
  EXPECT_EQ(drain(jb), "1");
  EXPECT_EQ(jb.pending(), 2u);
  EXPECT_EQ(jb.push(pkt(2)), push_result::accepted);
  EXPECT_EQ(drain(jb), "2 3 4");
}

TEST(jitter_buffer, duplicates_and_late_packets_are_dropped) {
  rtp::jitter_buffer jb;
  jb.push(pkt(100));
  jb.push(pkt(102));
  EXPECT_EQ(jb.push(pkt(102)), push_result::duplicate);
  EXPECT_EQ(jb.push(pkt(100)), push_result::late); // already released
  EXPECT_EQ(drain(jb), "100");
  EXPECT_EQ(jb.stats().duplicates, 1u);
  EXPECT_EQ(jb.stats().late, 1u);
}

TEST(jitter_buffer, loss_is_reported_as_a_gap_after_depth_packets) {
  rtp::jitter_buffer jb(rtp::jitter_config{3, 3000, 100});
  jb.push(pkt(1));
  jb.push(pkt(4)); // 2 and 3 missing
  EXPECT_EQ(drain(jb), "1");
  jb.push(pkt(5)); // 5 is 3 past 2: give up on 2..3
  EXPECT_EQ(drain(jb), "gap2x2 4 5");
  jb.push(pkt(6));
  EXPECT_EQ(drain(jb), "6");
  EXPECT_EQ(jb.push(pkt(3)), push_result::late);
  EXPECT_EQ(jb.stats().lost, 2u);
}

TEST(jitter_buffer, sequence_wrap_around_is_transparent) {
  rtp::jitter_buffer jb;
  jb.push(pkt(65533));
  jb.push(pkt(65535));
  jb.push(pkt(0));
  jb.push(pkt(65534)); // reordered across the wrap
  jb.push(pkt(2));
  jb.push(pkt(1));
  EXPECT_EQ(drain(jb), "65533 65534 65535 0 1 2");
  EXPECT_EQ(jb.push(pkt(65535)), push_result::late);
  EXPECT_EQ(jb.push(pkt(1)), push_result::late);
}

TEST(jitter_buffer, gap_across_the_wrap) {
  rtp::jitter_buffer jb(rtp::jitter_config{2, 3000, 100});
  jb.push(pkt(65534));
  jb.push(pkt(1)); // 65535 and 0 missing
  jb.push(pkt(2));
  EXPECT_EQ(drain(jb), "65534 gap65535x2 1 2");
}

TEST(jitter_buffer, flush_releases_everything_with_gaps) {
  rtp::jitter_buffer jb(rtp::jitter_config{10, 3000, 100});
  jb.push(pkt(1));
  jb.push(pkt(3));
  jb.push(pkt(7));
  EXPECT_EQ(drain(jb), "1");
  jb.flush();
  EXPECT_EQ(drain(jb), "gap2x1 3 gap4x3 7");
  EXPECT_EQ(jb.push(pkt(8)), push_result::accepted);
  EXPECT_EQ(drain(jb), "8");
}

TEST(jitter_buffer, a_stray_far_packet_is_dropped) {
  rtp::jitter_buffer jb;
  jb.push(pkt(10));
  EXPECT_EQ(jb.push(pkt(30000)), push_result::out_of_range);
  EXPECT_EQ(jb.push(pkt(11)), push_result::accepted);
  EXPECT_EQ(drain(jb), "10 11");
}

// RFC 3550 A.1: two packets in sequence after a jump restart the stream.
TEST(jitter_buffer, a_sequence_jump_resynchronises) {
  rtp::jitter_buffer jb;
  jb.push(pkt(10));
  jb.push(pkt(12));
  EXPECT_EQ(jb.push(pkt(40000)), push_result::out_of_range);
  EXPECT_EQ(jb.push(pkt(40001)), push_result::resync);
  jb.push(pkt(40002));
  EXPECT_EQ(drain(jb), "10 gap11x1 12 !40001 40002");
}

TEST(jitter_buffer, jump_backwards_resynchronises_too) {
  rtp::jitter_buffer jb;
  jb.push(pkt(5000));
  jb.push(pkt(5001));
  EXPECT_EQ(jb.push(pkt(100)), push_result::out_of_range);
  EXPECT_EQ(jb.push(pkt(101)), push_result::resync);
  EXPECT_EQ(drain(jb), "5000 5001 !101");
}

TEST(jitter_buffer, holds_at_most_depth_packets) {
  rtp::jitter_buffer jb(rtp::jitter_config{4, 3000, 100});
  jb.push(pkt(0));
  for (std::uint16_t s = 2; s < 2000; s += 2) {
    jb.push(pkt(s));
    EXPECT_LE(jb.pending(), 4u);
  }
  jb.flush();
  auto out = drain(jb);
  EXPECT_EQ(out.substr(0, 9), "0 gap1x1 ");
  EXPECT_EQ(out.substr(out.size() - 4), "1998");
  EXPECT_EQ(jb.stats().lost, 999u);
  EXPECT_EQ(jb.stats().accepted, 1000u);
}

TEST(jitter_buffer, reset_starts_a_new_stream) {
  rtp::jitter_buffer jb;
  jb.push(pkt(10));
  jb.reset();
  EXPECT_EQ(jb.push(pkt(60000)), push_result::accepted);
  EXPECT_EQ(drain(jb), "60000");
}
