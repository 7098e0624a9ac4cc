// ivm::rtp::g711: ITU-T G.711 mu-law and A-law against known code/value
// pairs and properties over all 256 codes and all 65536 inputs.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/rtp/g711.hpp"

namespace g711 = ivm::rtp::g711;

TEST(g711_ulaw, known_values) {
  EXPECT_EQ(g711::ulaw_to_linear(0xFF), 0);
  EXPECT_EQ(g711::ulaw_to_linear(0x7F), 0); // "negative zero"
  EXPECT_EQ(g711::ulaw_to_linear(0x00), -32124);
  EXPECT_EQ(g711::ulaw_to_linear(0x80), 32124);
  EXPECT_EQ(g711::ulaw_to_linear(0xFE), 8);
  EXPECT_EQ(g711::ulaw_to_linear(0x7E), -8);
  EXPECT_EQ(g711::ulaw_to_linear(0xEF), 0x84 * 2 - 0x84); // 132
  EXPECT_EQ(g711::linear_to_ulaw(0), 0xFF);
  EXPECT_EQ(g711::linear_to_ulaw(-1), 0x7F);
  EXPECT_EQ(g711::linear_to_ulaw(32767), 0x80);
  EXPECT_EQ(g711::linear_to_ulaw(-32768), 0x00);
  EXPECT_EQ(g711::linear_to_ulaw(32124), 0x80);
  EXPECT_EQ(g711::linear_to_ulaw(8), 0xFE);
}

TEST(g711_alaw, known_values) {
  EXPECT_EQ(g711::alaw_to_linear(0xD5), 8);
  EXPECT_EQ(g711::alaw_to_linear(0x55), -8);
  EXPECT_EQ(g711::alaw_to_linear(0xAA), 32256);
  EXPECT_EQ(g711::alaw_to_linear(0x2A), -32256);
  EXPECT_EQ(g711::alaw_to_linear(0xD4), 24);
  EXPECT_EQ(g711::linear_to_alaw(0), 0xD5);
  EXPECT_EQ(g711::linear_to_alaw(-1), 0x55);
  EXPECT_EQ(g711::linear_to_alaw(32767), 0xAA);
  EXPECT_EQ(g711::linear_to_alaw(-32768), 0x2A);
  EXPECT_EQ(g711::linear_to_alaw(24), 0xD4);
}

TEST(g711_ulaw, every_code_round_trips) {
  for (int c = 0; c < 256; ++c) {
    auto code = static_cast<std::uint8_t>(c);
    auto back = g711::linear_to_ulaw(g711::ulaw_to_linear(code));
    EXPECT_EQ(back, code == 0x7F ? 0xFF : code) << c;
  }
}

TEST(g711_alaw, every_code_round_trips) {
  for (int c = 0; c < 256; ++c) {
    auto code = static_cast<std::uint8_t>(c);
    EXPECT_EQ(g711::linear_to_alaw(g711::alaw_to_linear(code)), code) << c;
  }
}

TEST(g711_ulaw, odd_symmetric_and_distinct) {
  std::vector<int> seen;
  for (int c = 0; c < 128; ++c) {
    auto code = static_cast<std::uint8_t>(c);
    EXPECT_EQ(g711::ulaw_to_linear(code),
              -g711::ulaw_to_linear(static_cast<std::uint8_t>(c | 0x80)));
  }
  for (int c = 0x80; c < 0x100; ++c)
    seen.push_back(g711::ulaw_to_linear(static_cast<std::uint8_t>(c)));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
}

// Encoding is monotonic and the error is within half a step of the segment
// (steps are 2^(e+3) for mu-law, 2^(max(seg,1)+3) for A-law).
TEST(g711, monotonic_with_bounded_error_over_all_inputs) {
  int prev_u = std::numeric_limits<int>::min();
  int prev_a = std::numeric_limits<int>::min();
  for (int x = -32768; x <= 32767; ++x) {
    auto pcm = static_cast<std::int16_t>(x);
    int u = g711::ulaw_to_linear(g711::linear_to_ulaw(pcm));
    int a = g711::alaw_to_linear(g711::linear_to_alaw(pcm));
    ASSERT_GE(u, prev_u) << x;
    ASSERT_GE(a, prev_a) << x;
    prev_u = u;
    prev_a = a;
    if (std::abs(x) <= 32124) {
      ASSERT_LE(std::abs(u - x), std::max(8, std::abs(x) / 16)) << x;
    }
    if (std::abs(x) <= 32256) {
      ASSERT_LE(std::abs(a - x), std::max(16, std::abs(x) / 16)) << x;
    }
  }
}

TEST(g711, buffer_forms_match_samplewise) {
  std::vector<std::int16_t> pcm = {0, 1, -1, 100, -100, 32767, -32768, 5000};
  std::vector<std::uint8_t> u(pcm.size()), a(pcm.size());
  g711::encode_ulaw(pcm.data(), pcm.size(), u.data());
  g711::encode_alaw(pcm.data(), pcm.size(), a.data());
  std::vector<std::int16_t> du(pcm.size()), da(pcm.size());
  g711::decode_ulaw(u.data(), u.size(), du.data());
  g711::decode_alaw(a.data(), a.size(), da.data());
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    EXPECT_EQ(u[i], g711::linear_to_ulaw(pcm[i]));
    EXPECT_EQ(a[i], g711::linear_to_alaw(pcm[i]));
    EXPECT_EQ(du[i], g711::ulaw_to_linear(u[i]));
    EXPECT_EQ(da[i], g711::alaw_to_linear(a[i]));
  }
}
