// ivm::rtp::parse / serialize: the RTP fixed header (RFC 3550 §5.1), CSRC
// list, header extension (§5.3.1) and padding, on packets built byte by
// byte.

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/rtp/header.hpp"

namespace rtp = ivm::rtp;
using bytes = std::vector<std::uint8_t>;

namespace {

ivm::expected<rtp::packet_view, rtp::rtp_error> parse(const bytes& b) {
  return rtp::parse(b.data(), b.size());
}

} // namespace

TEST(rtp_header, plain_pcmu_packet) {
  bytes p = {0x80, 0x00, 0x12, 0x34, // V=2, PT=0, seq 0x1234
             0x00, 0x00, 0x0A, 0x00, // timestamp 2560
             0xDE, 0xAD, 0xBE, 0xEF, // SSRC
             0xFF, 0xFE, 0x7F};      // payload
  auto pv = parse(p);
  ASSERT_TRUE(pv) << rtp::to_string(pv.error());
  EXPECT_FALSE(pv->hdr.marker);
  EXPECT_EQ(pv->hdr.payload_type, 0);
  EXPECT_EQ(pv->hdr.sequence, 0x1234);
  EXPECT_EQ(pv->hdr.timestamp, 2560u);
  EXPECT_EQ(pv->hdr.ssrc, 0xDEADBEEFu);
  EXPECT_TRUE(pv->hdr.csrcs.empty());
  EXPECT_FALSE(pv->hdr.extension);
  ASSERT_EQ(pv->payload_size, 3u);
  EXPECT_EQ(pv->payload, p.data() + 12);
  EXPECT_EQ(rtp::serialize(pv->hdr, pv->payload, pv->payload_size), p);
}

TEST(rtp_header, marker_csrcs_extension_and_padding) {
  bytes p = {0xB2, 0xE5, 0xFF, 0xFF, // V=2 P X CC=2; M, PT=101
             0xFF, 0xFF, 0xFF, 0xFF, // timestamp
             0x01, 0x02, 0x03, 0x04, // SSRC
             0x00, 0x00, 0x00, 0x0A, // CSRC 10
             0x00, 0x00, 0x00, 0x0B, // CSRC 11
             0xBE, 0xDE, 0x00, 0x01, // ext profile, 1 word
             0x10, 0xAA, 0x00, 0x00, // ext data
             0x05, 0x80, 0x00, 0xA0, // payload: '5' end, 160
             0x00, 0x00, 0x03};      // 3 octets of padding
  auto pv = parse(p);
  ASSERT_TRUE(pv) << rtp::to_string(pv.error());
  EXPECT_TRUE(pv->hdr.marker);
  EXPECT_EQ(pv->hdr.payload_type, 101);
  EXPECT_EQ(pv->hdr.sequence, 0xFFFF);
  EXPECT_EQ(pv->hdr.timestamp, 0xFFFFFFFFu);
  EXPECT_EQ(pv->hdr.csrcs, (std::vector<std::uint32_t>{10, 11}));
  EXPECT_TRUE(pv->hdr.extension);
  EXPECT_EQ(pv->hdr.extension_profile, 0xBEDE);
  EXPECT_EQ(pv->hdr.extension_data, (bytes{0x10, 0xAA, 0x00, 0x00}));
  EXPECT_EQ(pv->padding, 3u);
  ASSERT_EQ(pv->payload_size, 4u);
  EXPECT_EQ(pv->payload[0], 0x05);
  EXPECT_EQ(rtp::serialize(pv->hdr, pv->payload, pv->payload_size, 3), p);
}

TEST(rtp_header, refuses_malformed_packets) {
  const bytes base = {0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 1};
  auto with_first = [&](std::uint8_t b0) {
    auto p = base;
    p[0] = b0;
    return p;
  };
  struct {
    bytes packet;
    rtp::rtp_error error;
  } cases[] = {
      {{}, rtp::rtp_error::too_short},
      {bytes(base.begin(), base.begin() + 11), rtp::rtp_error::too_short},
      {with_first(0x40), rtp::rtp_error::bad_version},
      {with_first(0x00), rtp::rtp_error::bad_version},
      {with_first(0xC0), rtp::rtp_error::bad_version},
      {with_first(0x81), rtp::rtp_error::truncated}, // CC=1, no CSRC
      {with_first(0x8F), rtp::rtp_error::truncated},
      {with_first(0x90), rtp::rtp_error::truncated}, // X, no extension
      {[&] {
         auto p = with_first(0x90);
         p.insert(p.end(), {0xBE, 0xDE, 0x00, 0x02, 0, 0, 0, 0});
         return p;
       }(),
       rtp::rtp_error::truncated}, // says 2 words, has 1
      {[&] {
         auto p = with_first(0xA0);
         p.push_back(0);
         return p;
       }(),
       rtp::rtp_error::bad_padding}, // padding count 0
      {[&] {
         auto p = with_first(0xA0);
         p.insert(p.end(), {0xAA, 0x03});
         return p;
       }(),
       rtp::rtp_error::bad_padding}, // 3 > 2 octets after the header
      {[&] {
         auto p = base;
         p[1] = 0xC8; // M + PT 72: RTCP SR (200)
         return p;
       }(),
       rtp::rtp_error::looks_like_rtcp},
  };
  for (const auto& c : cases) {
    auto pv = parse(c.packet);
    ASSERT_FALSE(pv) << c.packet.size();
    EXPECT_EQ(pv.error(), c.error) << rtp::to_string(c.error);
  }
  EXPECT_EQ(rtp::parse(nullptr, 12).error(), rtp::rtp_error::too_short);
}

TEST(rtp_header, padding_only_and_empty_payload) {
  auto p = rtp::serialize(rtp::header{}, nullptr, 0, 4);
  ASSERT_EQ(p.size(), 16u);
  auto pv = parse(p);
  ASSERT_TRUE(pv);
  EXPECT_EQ(pv->payload_size, 0u);
  EXPECT_EQ(pv->padding, 4u);
}

TEST(rtp_header, serialize_pads_extension_and_caps_csrcs) {
  rtp::header h;
  h.extension = true;
  h.extension_profile = 0x1000;
  h.extension_data = {1, 2, 3, 4, 5};
  h.csrcs.assign(20, 7);
  auto p = rtp::serialize(h, nullptr, 0);
  EXPECT_EQ(p[0], 0x9F); // X, CC=15
  ASSERT_EQ(p.size(), 12u + 60 + 4 + 8);
  auto pv = parse(p);
  ASSERT_TRUE(pv);
  EXPECT_EQ(pv->hdr.csrcs.size(), 15u);
  EXPECT_EQ(pv->hdr.extension_data, (bytes{1, 2, 3, 4, 5, 0, 0, 0}));
}

// Every truncation of a valid packet is refused or parsed within bounds.
TEST(rtp_header, truncations_and_bit_flips_stay_in_bounds) {
  rtp::header h;
  h.extension = true;
  h.extension_data = {1, 2, 3, 4};
  h.csrcs = {1, 2, 3};
  bytes payload(20, 0x55);
  auto p = rtp::serialize(h, payload.data(), payload.size(), 4);
  for (std::size_t n = 0; n <= p.size(); ++n) {
    for (int bit = -1; bit < 8; ++bit) {
      bytes cut(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(n));
      if (bit >= 0 && !cut.empty())
        cut[0] ^= static_cast<std::uint8_t>(1 << bit);
      auto pv = parse(cut);
      if (pv) {
        EXPECT_LE(pv->payload + pv->payload_size + pv->padding,
                  cut.data() + cut.size());
      }
    }
  }
  EXPECT_TRUE(parse(p));
}
