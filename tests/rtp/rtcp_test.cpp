// ivm::rtp RTCP: compound packets (RFC 3550 §6.1, §6.4-6.6) parsed with the
// A.2 validity checks and written back, reception statistics (A.1, A.3,
// A.8), sender info and the report interval (§6.2, A.7).

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "appliance/rtp/rtcp.hpp"

namespace rtp = ivm::rtp;
using bytes = std::vector<std::uint8_t>;
using namespace std::chrono_literals;

namespace {

ivm::expected<std::vector<rtp::rtcp_packet>, rtp::rtcp_error>
parse(const bytes& b) {
  return rtp::parse_compound(b.data(), b.size());
}

// §6.4.1 SR with one report block, then §6.5 SDES with one CNAME chunk.
const bytes sr_sdes = {
    // SR header: V=2 P=0 RC=1 | PT=200 | length 12 (13 words - 1)
    0x81, 0xC8, 0x00, 0x0C, 0x11, 0x22, 0x33, 0x44, // SSRC of sender
    0xE6, 0xC1, 0xA2, 0xB3, // NTP timestamp, most significant word
    0x80, 0x00, 0x00, 0x00, // NTP timestamp, least significant word (.5 s)
    0x00, 0x01, 0x5F, 0x90, // RTP timestamp 90000
    0x00, 0x00, 0x03, 0xE8, // sender's packet count 1000
    0x00, 0x02, 0x71, 0x00, // sender's octet count 160000
    0xAA, 0xBB, 0xCC, 0xDD, // report block: SSRC_1
    0x40, 0xFF, 0xFF, 0xFE, // fraction lost 64/256 | cumulative lost -2
    0x00, 0x01, 0xFF, 0xFF, // extended highest sequence number 0x1FFFF
    0x00, 0x00, 0x00, 0x20, // interarrival jitter 32
    0xA2, 0xB3, 0x80, 0x00, // last SR (LSR): middle of the NTP time
    0x00, 0x01, 0x80, 0x00, // delay since last SR (DLSR) 1.5 s
    // SDES header: V=2 P=0 SC=1 | PT=202 | length 6 (7 words - 1)
    0x81, 0xCA, 0x00, 0x06, 0x11, 0x22, 0x33, 0x44, // chunk: SSRC
    0x01, 0x0E, 'a', 'l',   // CNAME=1, length 14, "alice@10.0.0.1"
    'i', 'c', 'e', '@',     //
    '1', '0', '.', '0',     //
    '.', '0', '.', '1',     //
    0x00, 0x00, 0x00, 0x00, // end of items, null octets to a word
};

// RR (RC=0) + SDES (empty chunk list) + BYE (one SSRC): a minimal valid
// compound the rejection cases modify.
const bytes rr_sdes_bye = {
    0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, // RR, SSRC 7
    0x80, 0xCA, 0x00, 0x00,                         // SDES, SC=0
    0x81, 0xCB, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, // BYE 7
};

rtp::report_block block(std::uint32_t ssrc) {
  rtp::report_block b;
  b.ssrc = ssrc;
  b.fraction_lost = 12;
  b.cumulative_lost = -5;
  b.extended_highest_sequence = 0x2FFFE;
  b.jitter = 77;
  b.lsr = 0x12345678;
  b.dlsr = 0x10000;
  return b;
}

} // namespace

// -- parsing and writing ------------------------------------------------------

TEST(rtcp, parses_sr_and_sdes_field_by_field) {
  auto ps = parse(sr_sdes);
  ASSERT_TRUE(ps) << rtp::to_string(ps.error());
  ASSERT_EQ(ps->size(), 2u);
  auto* sr = std::get_if<rtp::sender_report>(&(*ps)[0]);
  ASSERT_NE(sr, nullptr);
  EXPECT_EQ(sr->ssrc, 0x11223344u);
  EXPECT_EQ(sr->info.ntp_timestamp, 0xE6C1A2B380000000u);
  EXPECT_EQ(sr->info.rtp_timestamp, 90000u);
  EXPECT_EQ(sr->info.packet_count, 1000u);
  EXPECT_EQ(sr->info.octet_count, 160000u);
  ASSERT_EQ(sr->reports.size(), 1u);
  const auto& b = sr->reports[0];
  EXPECT_EQ(b.ssrc, 0xAABBCCDDu);
  EXPECT_EQ(b.fraction_lost, 64);
  EXPECT_EQ(b.cumulative_lost, -2);
  EXPECT_EQ(b.extended_highest_sequence, 0x1FFFFu);
  EXPECT_EQ(b.jitter, 32u);
  EXPECT_EQ(b.lsr, rtp::ntp_middle32(sr->info.ntp_timestamp));
  EXPECT_EQ(b.dlsr, 3u * 65536 / 2);
  EXPECT_TRUE(sr->extension.empty());
  auto* sd = std::get_if<rtp::sdes>(&(*ps)[1]);
  ASSERT_NE(sd, nullptr);
  ASSERT_EQ(sd->chunks.size(), 1u);
  EXPECT_EQ(sd->chunks[0].ssrc, 0x11223344u);
  ASSERT_EQ(sd->chunks[0].items.size(), 1u);
  EXPECT_EQ(sd->chunks[0].items[0].type, rtp::sdes_cname);
  EXPECT_EQ(sd->chunks[0].items[0].text, "alice@10.0.0.1");
  // Written back byte for byte, generically and by the §6.1 builder.
  EXPECT_EQ(rtp::make_compound(*ps), sr_sdes);
  EXPECT_EQ(rtp::make_compound(*sr, "alice@10.0.0.1"), sr_sdes);
  EXPECT_TRUE(rtp::looks_like_rtcp(sr_sdes.data(), sr_sdes.size()));
}

TEST(rtcp, round_trips_sr_rr_sdes_bye_and_other_packets) {
  rtp::sender_report sr;
  sr.ssrc = 0xCAFEBABE;
  sr.info = {0x0123456789ABCDEFu, 0xFFFFFFF0u, 7, 1120};
  sr.reports = {block(1), block(2)};
  rtp::receiver_report rr;
  rr.ssrc = 42;
  rr.reports = {block(0xCAFEBABE)};
  rtp::sdes sd;
  sd.chunks = {{0xCAFEBABE,
                {{rtp::sdes_cname, "bob@example.org"},
                 {rtp::sdes_name, "Bob"},
                 {rtp::sdes_tool, "ivm-appliance 0.1"}}},
               {42, {}}};
  rtp::bye b{{0xCAFEBABE, 42}, std::string("shutting down")};
  rtp::other_packet app{rtp::rtcp_app, 3, {0, 0, 0, 1, 'n', 'a', 'm', 'e'}};
  rtp::other_packet rtpfb{205, 1, {0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 0, 0}};
  std::vector<std::vector<rtp::rtcp_packet>> compounds = {
      {sr, sd},
      {rr, sd},
      {sr, sd, b},
      {rr, sd, rtp::bye{{42}, std::string()}}, // empty reason kept
      {rr, sd, rtp::bye{{42}, std::nullopt}},
      {rtp::receiver_report{7, {}, {}}, sd, app, rtpfb, b},
  };
  for (const auto& c : compounds) {
    auto wire = rtp::make_compound(c);
    EXPECT_EQ(wire.size() % 4, 0u);
    auto back = parse(wire);
    ASSERT_TRUE(back) << rtp::to_string(back.error());
    EXPECT_TRUE(*back == c);
  }
  // The §6.1 builders: report, SDES CNAME of the reporter, optional BYE.
  auto wire = rtp::make_compound(rr, "carol@host", b);
  auto back = parse(wire);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 3u);
  EXPECT_TRUE(std::get<rtp::receiver_report>((*back)[0]) == rr);
  auto& chunk = std::get<rtp::sdes>((*back)[1]).chunks.at(0);
  EXPECT_EQ(chunk.ssrc, 42u);
  EXPECT_EQ(chunk.items.at(0).text, "carol@host");
  EXPECT_EQ(std::get<rtp::bye>((*back)[2]).reason, "shutting down");
}

TEST(rtcp, writes_24_bit_cumulative_lost_clamped) {
  rtp::receiver_report rr;
  rr.reports = {block(1), block(2)};
  rr.reports[0].cumulative_lost = 10'000'000;
  rr.reports[1].cumulative_lost = -10'000'000;
  auto wire = rtp::serialize(rr);
  EXPECT_EQ(wire[13], 0x7F); // first block's lost field: 0x7FFFFF
  EXPECT_EQ(wire[15], 0xFF);
  auto back = parse(wire);
  ASSERT_TRUE(back);
  auto& got = std::get<rtp::receiver_report>((*back)[0]).reports;
  EXPECT_EQ(got[0].cumulative_lost, 0x7FFFFF);
  EXPECT_EQ(got[1].cumulative_lost, -0x800000);
}

TEST(rtcp, padding_in_last_packet_is_skipped) {
  auto p = rr_sdes_bye;
  p[12] |= 0x20; // BYE gets P
  p[15] = 0x02;  // length 2 words: SSRC + 4 octets of padding
  p.insert(p.end(), {0, 0, 0, 4});
  auto ps = parse(p);
  ASSERT_TRUE(ps) << rtp::to_string(ps.error());
  auto& b = std::get<rtp::bye>((*ps)[2]);
  EXPECT_EQ(b.ssrcs, (std::vector<std::uint32_t>{7}));
  EXPECT_FALSE(b.reason);
}

TEST(rtcp, refuses_what_rfc3550_a2_refuses) {
  ASSERT_TRUE(parse(rr_sdes_bye));
  auto with = [](std::size_t i, std::uint8_t v, bytes p = rr_sdes_bye) {
    p[i] = v;
    return p;
  };
  auto plus = [](bytes tail, bytes p = rr_sdes_bye) {
    p.insert(p.end(), tail.begin(), tail.end());
    return p;
  };
  using e = rtp::rtcp_error;
  struct {
    const char* what;
    bytes packet;
    rtp::rtcp_error error;
  } cases[] = {
      {"empty", {}, e::truncated},
      {"version 1", with(0, 0x40), e::bad_version},
      {"version 1 in second packet", with(8, 0x40), e::bad_version},
      {"first packet SDES", bytes(rr_sdes_bye.begin() + 8, rr_sdes_bye.end()),
       e::bad_first_packet},
      {"first packet BYE", bytes(rr_sdes_bye.begin() + 12, rr_sdes_bye.end()),
       e::bad_first_packet},
      {"RR length overruns", with(3, 0x05), e::bad_length},
      {"BYE length overruns", with(15, 0x02), e::bad_length},
      {"trailing octets", plus({0x80, 0xCA}), e::truncated},
      {"padding in first packet", with(0, 0xA0), e::bad_padding},
      {"padding count 0", plus({0, 0, 0, 0}, with(15, 2, with(12, 0xA1))),
       e::bad_padding},
      {"padding count 3", plus({0, 0, 0, 3}, with(15, 2, with(12, 0xA1))),
       e::bad_padding},
      {"padding beyond packet",
       plus({0, 0, 0, 12}, with(15, 2, with(12, 0xA1))), e::bad_padding},
      {"RR count beyond length", with(0, 0x81), e::bad_count},
      {"SR shorter than sender info", with(1, 200), e::bad_length},
      {"BYE count beyond length", with(12, 0x82), e::bad_count},
      {"SDES count beyond length", with(8, 0x81), e::bad_count},
      {"SDES chunk without terminator",
       plus({0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 1, 2, 'a', 'b'}), e::bad_sdes},
      {"SDES item overruns",
       plus({0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 1, 9, 'a', 'b'}), e::bad_sdes},
      {"SDES octets after the chunks",
       plus({0x81, 0xCA, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}),
       e::bad_sdes},
      {"BYE reason overruns",
       plus({0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 4, 'a', 0, 0}), e::bad_bye},
  };
  for (const auto& c : cases) {
    auto ps = parse(c.packet);
    ASSERT_FALSE(ps) << c.what;
    EXPECT_EQ(ps.error(), c.error)
        << c.what << ": " << rtp::to_string(ps.error());
  }
  // Every cut of a valid compound is refused, except at the packet
  // boundary: the SR alone passes A.2 (§6.1's CNAME is the sender's duty).
  for (std::size_t n = 0; n < sr_sdes.size(); ++n) {
    bytes cut(sr_sdes.begin(), sr_sdes.begin() + static_cast<long>(n));
    EXPECT_EQ(parse(cut).has_value(), n == 52) << n;
  }
  EXPECT_FALSE(rtp::parse_compound(nullptr, 8));
}

TEST(rtcp, demuxes_on_payload_type) {
  const bytes rtp_pcmu = {0x80, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  const bytes rtp_marker_pt0 = {0x80, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_FALSE(rtp::looks_like_rtcp(rtp_pcmu.data(), rtp_pcmu.size()));
  EXPECT_FALSE(
      rtp::looks_like_rtcp(rtp_marker_pt0.data(), rtp_marker_pt0.size()));
  EXPECT_TRUE(rtp::looks_like_rtcp(rr_sdes_bye.data(), rr_sdes_bye.size()));
  EXPECT_FALSE(rtp::looks_like_rtcp(rr_sdes_bye.data(), 3));
}

// Random buffers and random mutations of valid compounds: no crash, and
// whatever parses writes back to something that parses to the same.
TEST(rtcp, garbage_never_crashes_and_parsed_input_round_trips) {
  std::mt19937 rng{3550};
  auto byte = [&] { return static_cast<std::uint8_t>(rng()); };
  std::size_t parsed = 0;
  for (int i = 0; i < 6000; ++i) {
    bytes p;
    switch (i % 3) {
      case 0: // noise
        p.resize(rng() % 120);
        for (auto& x : p)
          x = byte();
        break;
      case 1: // plausible headers, random lengths and bodies
        while (p.size() < 100 && rng() % 4 != 0) {
          auto words = rng() % 8;
          p.push_back(static_cast<std::uint8_t>(0x80 | (rng() & 0x3F)));
          p.push_back(static_cast<std::uint8_t>(200 + rng() % 7));
          p.push_back(0);
          p.push_back(static_cast<std::uint8_t>(words));
          for (std::size_t k = 0; k < 4 * words; ++k)
            p.push_back(rng() % 2 ? 0 : byte());
        }
        break;
      default: // a valid compound with a few octets changed
        p = i % 2 ? sr_sdes : rr_sdes_bye;
        for (int k = 0, n = 1 + rng() % 3; k < n; ++k)
          p[rng() % p.size()] = byte();
    }
    rtp::looks_like_rtcp(p.data(), p.size());
    auto ps = parse(p);
    if (!ps)
      continue;
    ++parsed;
    auto again = parse(rtp::make_compound(*ps));
    ASSERT_TRUE(again) << i;
    EXPECT_TRUE(*again == *ps) << i;
  }
  EXPECT_GT(parsed, 100u); // the generator reaches past the first checks
}

// -- receiver statistics ------------------------------------------------------

TEST(rtcp_receiver_stats, no_loss) {
  rtp::receiver_stats rs{0xAB, 8000};
  for (std::uint32_t i = 0; i < 50; ++i)
    EXPECT_TRUE(rs.on_packet(static_cast<std::uint16_t>(1000 + i), i * 160,
                             500 + i * 160));
  auto rb = rs.make_report(std::chrono::steady_clock::time_point{});
  EXPECT_EQ(rb.ssrc, 0xABu);
  EXPECT_EQ(rb.fraction_lost, 0);
  EXPECT_EQ(rb.cumulative_lost, 0);
  EXPECT_EQ(rb.extended_highest_sequence, 1049u);
  EXPECT_EQ(rb.jitter, 0u);
  EXPECT_EQ(rb.lsr, 0u); // no SR from the source yet
  EXPECT_EQ(rb.dlsr, 0u);
}

TEST(rtcp_receiver_stats, ten_percent_loss_then_none) {
  rtp::receiver_stats rs{1, 8000};
  auto now = std::chrono::steady_clock::time_point{};
  for (std::uint32_t s = 0; s < 100; ++s)
    if (s % 10 != 5) // every tenth packet lost
      rs.on_packet(static_cast<std::uint16_t>(s), s * 160, s * 160);
  auto rb = rs.make_report(now);
  EXPECT_EQ(rb.fraction_lost, 25); // 10 * 256 / 100
  EXPECT_EQ(rb.cumulative_lost, 10);
  EXPECT_EQ(rb.extended_highest_sequence, 99u);
  for (std::uint32_t s = 100; s < 200; ++s)
    rs.on_packet(static_cast<std::uint16_t>(s), s * 160, s * 160);
  rb = rs.make_report(now);
  EXPECT_EQ(rb.fraction_lost, 0); // none lost in this interval (A.3)
  EXPECT_EQ(rb.cumulative_lost, 10);
  rs.on_packet(199, 199 * 160, 199 * 160); // duplicate
  rb = rs.make_report(now);
  EXPECT_EQ(rb.fraction_lost, 0);
  EXPECT_EQ(rb.cumulative_lost, 9);
}

TEST(rtcp_receiver_stats, sequence_wraps_around_65535) {
  rtp::receiver_stats rs{1, 8000};
  std::uint32_t ts = 0;
  for (std::uint32_t s = 65500; s < 65600; ++s, ts += 160)
    if (s != 65535) // lost at the wrap
      rs.on_packet(static_cast<std::uint16_t>(s), ts, ts);
  EXPECT_EQ(rs.extended_highest_sequence(), 65599u); // 1 cycle + 63
  EXPECT_EQ(rs.cumulative_lost(), 1);
  rs.on_packet(65535, 35 * 160, 100 * 160); // arrives late after the wrap
  EXPECT_EQ(rs.extended_highest_sequence(), 65599u);
  EXPECT_EQ(rs.cumulative_lost(), 0);
}

TEST(rtcp_receiver_stats, a_large_jump_restarts_only_when_confirmed) {
  rtp::receiver_stats rs{1, 8000};
  for (std::uint16_t s = 0; s <= 100; ++s)
    rs.on_packet(s, s * 160u, s * 160u);
  EXPECT_FALSE(rs.on_packet(20000, 0, 0)); // stray: ignored
  EXPECT_TRUE(rs.on_packet(101, 101 * 160, 101 * 160));
  EXPECT_EQ(rs.extended_highest_sequence(), 101u);
  EXPECT_EQ(rs.cumulative_lost(), 0);
  EXPECT_FALSE(rs.on_packet(30000, 0, 0)); // sender restarted
  EXPECT_TRUE(rs.on_packet(30001, 160, 160));
  EXPECT_EQ(rs.extended_highest_sequence(), 30001u);
  EXPECT_EQ(rs.received(), 1u);
  EXPECT_EQ(rs.cumulative_lost(), 0);
}

// A.8 by hand: D = transit difference, J += (|D| - J) / 16, in the
// integer form J16 += |D| - (J16 + 8) / 16, reported J16 / 16.
TEST(rtcp_receiver_stats, jitter_matches_hand_computation) {
  rtp::receiver_stats rs{1, 8000};
  rs.on_packet(0, 0, 1000);   // transit 1000 (first: no D)
  rs.on_packet(1, 160, 1160); // transit 1000, D 0: J16 0
  EXPECT_EQ(rs.jitter(), 0u);
  rs.on_packet(2, 320, 1330); // transit 1010, D 10: J16 10
  EXPECT_EQ(rs.jitter(), 0u);
  rs.on_packet(3, 480, 1480); // transit 1000, D 10: J16 10+10-1 = 19
  EXPECT_EQ(rs.jitter(), 1u);
  rs.on_packet(4, 640, 1680); // transit 1040, D 40: J16 19+40-1 = 58
  EXPECT_EQ(rs.jitter(), 3u);

  rtp::receiver_stats spike{2, 8000};
  spike.on_packet(0, 0, 0);
  spike.on_packet(1, 160, 160 + 1600); // 200 ms late: J16 1600
  EXPECT_EQ(spike.jitter(), 100u);
  spike.on_packet(2, 320, 320); // back in line, D 1600: J16 1600-100+1600
  EXPECT_EQ(spike.jitter(), 3100u / 16);
}

TEST(rtcp_receiver_stats, jitter_zero_when_paced_and_grows_when_not) {
  auto t0 = std::chrono::steady_clock::time_point{} + 123s;
  rtp::receiver_stats paced{1, 8000};
  rtp::receiver_stats jittered{2, 8000};
  for (std::uint32_t i = 0; i < 500; ++i) {
    auto at = t0 + i * 20ms;
    paced.on_packet(static_cast<std::uint16_t>(i), 4242 + i * 160, at);
    // Every other packet 5 ms (40 units) late: |D| = 40 each time.
    jittered.on_packet(static_cast<std::uint16_t>(i), i * 160,
                       at + (i % 2) * 5ms);
  }
  EXPECT_EQ(paced.jitter(), 0u);
  EXPECT_NEAR(jittered.jitter(), 40, 1);
}

TEST(rtcp_receiver_stats, lsr_and_dlsr_from_last_sr) {
  auto t0 = std::chrono::steady_clock::time_point{} + 10s;
  rtp::receiver_stats rs{1, 8000};
  rs.on_packet(0, 0, 0);
  rs.on_sender_report(0xE6C1A2B380000000u, t0);
  auto rb = rs.make_report(t0 + 1500ms);
  EXPECT_EQ(rb.lsr, 0xA2B38000u);                    // middle 32 bits
  EXPECT_EQ(rb.dlsr, 98304u);                        // 1.5 * 65536
  rs.on_sender_report(0xE6C1A2B4C0000000u, t0 + 1s); // a newer SR
  rb = rs.make_report(t0 + 1250ms);
  EXPECT_EQ(rb.lsr, 0xA2B4C000u);
  EXPECT_EQ(rb.dlsr, 16384u); // 0.25 s
}

// -- sender info, NTP, interval
// -------------------------------------------------

TEST(rtcp_sender_stats, counts_and_extrapolates_rtp_time) {
  auto t0 = std::chrono::steady_clock::time_point{} + 5s;
  rtp::sender_stats ss{8000};
  EXPECT_FALSE(ss.sent_any());
  for (std::uint32_t i = 0; i < 3; ++i)
    ss.on_sent(1000 + i * 160, 160, t0 + i * 20ms);
  auto wall = std::chrono::system_clock::time_point{} + 1500ms;
  auto si = ss.make_info(wall, t0 + 60ms);
  EXPECT_EQ(si.packet_count, 3u);
  EXPECT_EQ(si.octet_count, 480u);
  EXPECT_EQ(si.rtp_timestamp, 1000u + 320 + 160); // 20 ms after the last
  EXPECT_EQ(si.ntp_timestamp, (2208988801ull << 32) | 0x80000000u);
}

TEST(rtcp_ntp, converts_system_clock) {
  using sys = std::chrono::system_clock;
  EXPECT_EQ(rtp::to_ntp(sys::time_point{}), 2208988800ull << 32);
  // 2000-01-01T00:00:00Z is 946684800 Unix, 3155673600 NTP.
  EXPECT_EQ(rtp::to_ntp(sys::time_point{} + 946684800s) >> 32, 3155673600u);
  EXPECT_EQ(rtp::to_ntp(sys::time_point{} + 250ms) & 0xFFFFFFFFu, 0x40000000u);
}

TEST(rtcp_interval, two_party_minimum_randomized_and_compensated) {
  const double e_minus_1_5 = 2.718281828459045 - 1.5;
  rtp::rtcp_interval_params p;
  EXPECT_DOUBLE_EQ(rtp::rtcp_interval(p, 1.0).count(), 5 / e_minus_1_5);
  EXPECT_DOUBLE_EQ(rtp::rtcp_interval(p, 0.5).count(), 2.5 / e_minus_1_5);
  EXPECT_DOUBLE_EQ(rtp::rtcp_interval(p, 1.5).count(), 7.5 / e_minus_1_5);
  EXPECT_DOUBLE_EQ(rtp::rtcp_interval(p, 9.0).count(), 7.5 / e_minus_1_5);
  p.initial = true;
  EXPECT_DOUBLE_EQ(rtp::rtcp_interval(p, 1.0).count(), 2.5 / e_minus_1_5);
  // A large session where the bandwidth share, not the minimum, decides:
  // 98 receivers share 75% of 500 octets/s with 100-octet reports.
  rtp::rtcp_interval_params big;
  big.members = 100;
  big.senders = 2;
  big.we_sent = false;
  EXPECT_DOUBLE_EQ(rtp::rtcp_interval(big, 1.0).count(),
                   98 * 100 / 375.0 / e_minus_1_5);
  big.we_sent = true; // 2 senders share 25%: 1.6 s, so the minimum
  EXPECT_DOUBLE_EQ(rtp::rtcp_interval(big, 1.0).count(), 5 / e_minus_1_5);
  std::mt19937 rng{1};
  for (int i = 0; i < 100; ++i) {
    auto t = rtp::rtcp_interval(p, rng).count();
    EXPECT_GE(t, 1.25 / e_minus_1_5);
    EXPECT_LE(t, 3.75 / e_minus_1_5);
  }
}
