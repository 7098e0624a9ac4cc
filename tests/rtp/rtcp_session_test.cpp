#include "appliance/rtp/rtcp_session.hpp"

#include <gtest/gtest.h>

#include "appliance/rtp/header.hpp"

namespace rtp = ivm::rtp;

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::vector<std::uint8_t> packet(std::uint16_t seq, std::uint32_t ts,
                                 std::uint32_t ssrc) {
  rtp::header h;
  h.sequence = seq;
  h.timestamp = ts;
  h.ssrc = ssrc;
  std::uint8_t payload[160] = {};
  return rtp::serialize(h, payload, sizeof(payload));
}

// A phone (the box's peer) sends 50 packets of 20 ms, one of them lost;
// the box only receives, then reports.
TEST(rtcp_session, the_box_reports_what_it_received) {
  rtp::rtcp_session box{0xb0c5, "ivm@127.0.0.1", 8000};
  auto t0 = steady::now();
  for (std::uint16_t i = 0; i < 50; ++i) {
    if (i == 20)
      continue;
    auto p = packet(static_cast<std::uint16_t>(1000 + i), 160u * i, 0x1234);
    box.on_received(p.data(), p.size(), t0 + i * 20ms);
  }
  auto bytes = box.report(std::chrono::system_clock::now(), t0 + 1s);
  auto parsed = rtp::parse_compound(bytes.data(), bytes.size());
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 2u); // RR + SDES
  const auto* rr = std::get_if<rtp::receiver_report>(&(*parsed)[0]);
  ASSERT_NE(rr, nullptr);
  EXPECT_EQ(rr->ssrc, 0xb0c5u);
  ASSERT_EQ(rr->reports.size(), 1u);
  EXPECT_EQ(rr->reports[0].ssrc, 0x1234u);
  EXPECT_EQ(rr->reports[0].cumulative_lost, 1);
  EXPECT_EQ(rr->reports[0].extended_highest_sequence, 1049u);
  EXPECT_GT(rr->reports[0].fraction_lost, 0);
  const auto* s = std::get_if<rtp::sdes>(&(*parsed)[1]);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->chunks.at(0).items.at(0).text, "ivm@127.0.0.1");
}

// The box sends (intercom leg), the phone reports back, then leaves.
TEST(rtcp_session, sender_report_then_the_peers_view_and_bye) {
  rtp::rtcp_session box{0xb0c5, "ivm@127.0.0.1", 8000};
  rtp::rtcp_session phone{0x777, "bob@phone", 8000};
  auto t0 = steady::now();
  for (std::uint16_t i = 0; i < 100; ++i) {
    auto p = packet(i, 160u * i, 0xb0c5);
    box.on_sent(160u * i, 160, t0 + i * 20ms);
    phone.on_received(p.data(), p.size(), t0 + i * 20ms);
  }
  auto sr = box.report(std::chrono::system_clock::now(), t0 + 2s);
  auto parsed = rtp::parse_compound(sr.data(), sr.size());
  ASSERT_TRUE(parsed);
  const auto* s = std::get_if<rtp::sender_report>(&(*parsed)[0]);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->info.packet_count, 100u);
  EXPECT_EQ(s->info.octet_count, 16000u);
  EXPECT_TRUE(s->reports.empty()); // the phone sent nothing
  ASSERT_TRUE(phone.on_rtcp(sr.data(), sr.size(), t0 + 2s));
  auto rr = phone.report(std::chrono::system_clock::now(), t0 + 3s, true);
  ASSERT_TRUE(box.on_rtcp(rr.data(), rr.size(), t0 + 3s));
  ASSERT_TRUE(box.peer_view());
  EXPECT_EQ(box.peer_view()->cumulative_lost, 0);
  EXPECT_EQ(box.peer_view()->fraction_lost, 0);
  EXPECT_NE(box.peer_view()->lsr, 0u);               // the phone saw our SR
  EXPECT_GE(box.peer_view()->dlsr, 65536u * 9 / 10); // about 1 s later
  EXPECT_TRUE(box.peer_left());
  EXPECT_EQ(box.reports_received(), 1u);
}

TEST(rtcp_session, garbage_and_rtp_on_the_rtcp_port_are_ignored) {
  rtp::rtcp_session box{1, "ivm", 8000};
  auto p = packet(1, 2, 3);
  EXPECT_FALSE(box.on_rtcp(p.data(), p.size(), steady::now()));
  std::uint8_t junk[] = {0x81, 0xc8, 0xff, 0xff, 1, 2};
  EXPECT_FALSE(box.on_rtcp(junk, sizeof(junk), steady::now()));
  EXPECT_FALSE(box.on_rtcp(nullptr, 0, steady::now()));
  EXPECT_EQ(box.reports_received(), 0u);
  EXPECT_FALSE(box.peer_left());
}

TEST(rtcp_session, report_intervals_follow_rfc_3550_a7) {
  rtp::rtcp_session box{42, "ivm", 8000};
  auto first = box.next_interval();
  EXPECT_GE(first, 1000ms); // 2.5 s x [0.5, 1.5] / (e - 3/2)
  EXPECT_LE(first, 3100ms);
  for (int i = 0; i < 100; ++i) {
    auto d = box.next_interval();
    EXPECT_GE(d, 2000ms); // 5 s x [0.5, 1.5] / (e - 3/2)
    EXPECT_LE(d, 6200ms);
  }
}

} // namespace
