#include "provisioning/tftp/options.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ivm::provisioning::tftp {
namespace {

using namespace std::chrono_literals;

TEST(tftp_options, numbers_are_plain_decimal) {
  EXPECT_EQ(parse_option_number("0"), 0u);
  EXPECT_EQ(parse_option_number("01468"), 1468u);
  EXPECT_EQ(parse_option_number("18446744073709551615"), 18446744073709551615u);
  for (auto x : {"", "-1", "+1", " 1", "1 ", "0x10", "1e3", "12a",
                 "18446744073709551616", "000000000000000000001"})
    EXPECT_FALSE(parse_option_number(x)) << x;
}

// RFC 2347 (Negotiation Protocol): a server that accepts no option answers
// as RFC 1350 does: DATA 1 with 512-octet blocks, no OACK.
TEST(tftp_options, without_options_nothing_is_acknowledged) {
  auto n = negotiate({}, server_config{}, 1000);
  EXPECT_TRUE(n.acknowledged.empty());
  EXPECT_EQ(n.block_size, 512u);
  EXPECT_EQ(n.window_size, 1);
  EXPECT_EQ(n.timeout, 1000ms);
}

// RFC 2348: blksize is valid from 8 to 65464 octets; the server may answer
// with a smaller value than the client asked for, never a larger one.
TEST(tftp_options, blksize_is_granted_up_to_the_configured_maximum) {
  struct row {
    const char* asked;
    std::size_t granted; // 512 and not acknowledged when 0
  };
  const row rows[] = {
      {"8", 8},        {"512", 512},   {"1024", 1024},  {"1428", 1428},
      {"1468", 1468},  {"1469", 1468}, {"65464", 1468}, {"65465", 1468},
      {"99999", 1468}, {"7", 0},       {"0", 0},        {"big", 0},
  };
  for (auto& r : rows) {
    auto n = negotiate({{"blksize", r.asked}}, server_config{}, 1);
    if (r.granted == 0) {
      EXPECT_TRUE(n.acknowledged.empty()) << r.asked;
      EXPECT_EQ(n.block_size, 512u) << r.asked;
    } else {
      EXPECT_EQ(n.block_size, r.granted) << r.asked;
      EXPECT_EQ(n.acknowledged,
                (std::vector<option>{{"blksize", std::to_string(r.granted)}}))
          << r.asked;
    }
  }
  server_config loopback;
  loopback.max_block_size = 65464;
  EXPECT_EQ(negotiate({{"blksize", "65464"}}, loopback, 1).block_size, 65464u);
  server_config tiny;
  tiny.max_block_size = 2; // clamped to the RFC's minimum
  EXPECT_EQ(negotiate({{"blksize", "512"}}, tiny, 1).block_size, 8u);
}

// RFC 2349 (Transfer Size Option): in an RRQ the client sends tsize 0 and
// the server returns the file's size in octets in the OACK.
TEST(tftp_options, tsize_answers_the_file_size) {
  auto n = negotiate({{"tsize", "0"}}, server_config{}, 24599);
  EXPECT_EQ(n.acknowledged, (std::vector<option>{{"tsize", "24599"}}));
  EXPECT_EQ(negotiate({{"TSize", "5"}}, server_config{}, 0).acknowledged,
            (std::vector<option>{{"TSize", "0"}}));
  EXPECT_TRUE(
      negotiate({{"tsize", ""}}, server_config{}, 1).acknowledged.empty());
}

// RFC 2349 (Timeout Interval Option): 1 to 255 seconds; the server
// accepts the value as asked (the OACK repeats it) or ignores the option.
TEST(tftp_options, timeout_is_taken_as_asked_or_ignored) {
  auto n = negotiate({{"timeout", "3"}}, server_config{}, 1);
  EXPECT_EQ(n.timeout, 3000ms);
  EXPECT_EQ(n.acknowledged, (std::vector<option>{{"timeout", "3"}}));
  EXPECT_EQ(negotiate({{"timeout", "255"}}, server_config{}, 1).timeout,
            255000ms);
  for (auto bad : {"0", "256", "1.5", ""}) {
    auto m = negotiate({{"timeout", bad}}, server_config{}, 1);
    EXPECT_TRUE(m.acknowledged.empty()) << bad;
    EXPECT_EQ(m.timeout, 1000ms) << bad;
  }
}

// RFC 7440: windowsize is valid from 1 to 65535 blocks; the server may
// answer with a smaller value than the client asked for.
TEST(tftp_options, windowsize_is_capped_by_the_server) {
  struct row {
    const char* asked;
    std::uint16_t granted; // not acknowledged when 0
  };
  const row rows[] = {{"1", 1},      {"16", 16}, {"64", 64},   {"65", 64},
                      {"65535", 64}, {"0", 0},   {"65536", 0}, {"x", 0}};
  for (auto& r : rows) {
    auto n = negotiate({{"windowsize", r.asked}}, server_config{}, 1);
    if (r.granted == 0) {
      EXPECT_TRUE(n.acknowledged.empty()) << r.asked;
      EXPECT_EQ(n.window_size, 1) << r.asked;
    } else {
      EXPECT_EQ(n.window_size, r.granted) << r.asked;
      EXPECT_EQ(n.acknowledged.at(0).value, std::to_string(r.granted));
    }
  }
  server_config wide;
  wide.max_window_size = 65535;
  EXPECT_EQ(negotiate({{"windowsize", "65535"}}, wide, 1).window_size, 65535);
}

// RFC 2347: unknown options are left out of the OACK; the rest keep the
// request's order and the client's spelling.
TEST(tftp_options, unknown_options_are_left_out) {
  auto n = negotiate({{"multicast", ""},
                      {"TSIZE", "0"},
                      {"utimeout", "5000"},
                      {"WindowSize", "8"},
                      {"blksize", "1428"}},
                     server_config{}, 77);
  EXPECT_EQ(n.acknowledged,
            (std::vector<option>{
                {"TSIZE", "77"}, {"WindowSize", "8"}, {"blksize", "1428"}}));
  EXPECT_EQ(n.block_size, 1428u);
  EXPECT_EQ(n.window_size, 8);
  EXPECT_TRUE(
      negotiate({{"rollover", "0"}}, server_config{}, 1).acknowledged.empty());
}

TEST(tftp_options, disabled_options_give_plain_rfc1350) {
  server_config cfg;
  cfg.options_enabled = false;
  cfg.retransmit_timeout = 2500ms;
  auto n = negotiate({{"blksize", "1428"}, {"tsize", "0"}}, cfg, 5);
  EXPECT_TRUE(n.acknowledged.empty());
  EXPECT_EQ(n.block_size, 512u);
  EXPECT_EQ(n.timeout, 2500ms);
}

} // namespace
} // namespace ivm::provisioning::tftp
