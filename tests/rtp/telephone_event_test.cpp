// ivm::rtp::parse_telephone_event: RFC 4733 §2.3 event payloads and the
// §3.2 DTMF codes.

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/rtp/telephone_event.hpp"

namespace rtp = ivm::rtp;

TEST(telephone_event, parses_the_fields) {
  // '#' (11), E=1, R=0, volume 10, duration 800 (100 ms at 8 kHz).
  const std::uint8_t p[] = {0x0B, 0x8A, 0x03, 0x20};
  auto ev = rtp::parse_telephone_event(p, sizeof p);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->event, 11);
  EXPECT_TRUE(ev->end);
  EXPECT_EQ(ev->volume, 10);
  EXPECT_EQ(ev->duration, 800);
  EXPECT_EQ(rtp::dtmf_char(ev->event), '#');
}

TEST(telephone_event, reserved_bit_and_extra_blocks_are_ignored) {
  // Digit 7, R set, not the end, volume 63, duration 0xFFFF, then a
  // redundant second block.
  const std::uint8_t p[] = {0x07, 0x7F, 0xFF, 0xFF, 0x07, 0x3F, 0x00, 0xA0};
  auto ev = rtp::parse_telephone_event(p, sizeof p);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->event, 7);
  EXPECT_FALSE(ev->end);
  EXPECT_EQ(ev->volume, 63);
  EXPECT_EQ(ev->duration, 0xFFFF);
}

TEST(telephone_event, short_payloads_are_refused) {
  const std::uint8_t p[] = {0x01, 0x80, 0x00};
  for (std::size_t n = 0; n < 4; ++n)
    EXPECT_FALSE(rtp::parse_telephone_event(p, n)) << n;
  EXPECT_FALSE(rtp::parse_telephone_event(nullptr, 4));
}

TEST(telephone_event, serialize_round_trips) {
  rtp::telephone_event ev{10, true, 70, 1280};
  auto b = rtp::serialize(ev);
  EXPECT_EQ(b[0], 10);
  EXPECT_EQ(b[1], 0x80 | 63);
  EXPECT_EQ(b[2], 0x05);
  EXPECT_EQ(b[3], 0x00);
  auto back = rtp::parse_telephone_event(b.data(), b.size());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->event, 10);
  EXPECT_EQ(rtp::dtmf_char(back->event), '*');
  EXPECT_EQ(back->volume, 63);
  EXPECT_EQ(back->duration, 1280);
}

TEST(telephone_event, dtmf_codes) {
  const char expected[] = "0123456789*#ABCD";
  for (int e = 0; e < 16; ++e)
    EXPECT_EQ(rtp::dtmf_char(static_cast<std::uint8_t>(e)), expected[e]);
  EXPECT_FALSE(rtp::dtmf_char(16)); // flash
  EXPECT_FALSE(rtp::dtmf_char(255));
}

TEST(telephone_event, keys_of_sip_info) {
  using ivm::rtp::dtmf_of_info;
  EXPECT_EQ(
      dtmf_of_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"),
      '5');
  EXPECT_EQ(dtmf_of_info("Application/DTMF-Relay", "Duration=100\nsignal= #\n"),
            '#');
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "Signal=10"), '*');
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "Signal=11"), '#');
  EXPECT_EQ(dtmf_of_info("application/dtmf", " 7\r\n"), '7');
  EXPECT_EQ(dtmf_of_info("application/dtmf", "d"), 'D');
  EXPECT_FALSE(dtmf_of_info("application/dtmf-relay", "Duration=160"));
  EXPECT_FALSE(dtmf_of_info("application/dtmf-relay", "Signal=55"));
  EXPECT_FALSE(dtmf_of_info("application/dtmf", "x"));
  EXPECT_FALSE(dtmf_of_info("text/plain", "5"));
  EXPECT_FALSE(dtmf_of_info("", ""));
}
