// ivm::sdp::make_answer / make_offer: RFC 3264 offer/answer with the box
// as answerer for the offers phones send, and the box's own offers.

#include <string>

#include <gtest/gtest.h>

#include "appliance/sdp/offer_answer.hpp"
#include "appliance/sdp/parser.hpp"
#include "appliance/sdp/writer.hpp"
#include "tests/sdp/vectors.hpp"

namespace sdp = ivm::sdp;
namespace vec = ivm::sdp::vectors;

namespace {

sdp::local_endpoint box() {
  sdp::local_endpoint l;
  l.address = "127.0.0.9";
  l.port = 40000;
  l.session_id = 42;
  l.session_version = 1;
  return l;
}

ivm::expected<sdp::answer_result, sdp::answer_error>
answer(const std::string& offer, sdp::local_endpoint local = box()) {
  auto o = sdp::parse(offer);
  EXPECT_TRUE(o) << offer;
  return sdp::make_answer(*o, sdp::box_codecs(), local);
}

std::string offer_with(const std::string& media_lines) {
  return "v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\n"
         "t=0 0\r\n" +
         media_lines;
}

} // namespace

// RFC 3264 §6: SIPp's offer, PCMU only.
TEST(sdp_answer, sipp_default_offer) {
  auto a = answer(vec::sipp_uac);
  ASSERT_TRUE(a) << a.error().reason;
  EXPECT_EQ(sdp::to_string(a->answer), "v=0\r\n"
                                       "o=ivm 42 1 IN IP4 127.0.0.9\r\n"
                                       "s=-\r\n"
                                       "c=IN IP4 127.0.0.9\r\n"
                                       "t=0 0\r\n"
                                       "m=audio 40000 RTP/AVP 0\r\n"
                                       "a=rtpmap:0 PCMU/8000\r\n"
                                       "a=ptime:20\r\n"
                                       "a=sendrecv\r\n");
  EXPECT_EQ(a->audio.payload_type, 0);
  EXPECT_EQ(a->audio.audio.encoding, "PCMU");
  EXPECT_FALSE(a->audio.telephone_event);
  EXPECT_EQ(a->audio.remote.address, "127.0.0.1");
  EXPECT_EQ(a->audio.remote_port, 6000);
}

TEST(sdp_answer, baresip_gets_pcmu_and_its_dtmf_number) {
  auto a = answer(vec::baresip);
  ASSERT_TRUE(a) << a.error().reason;
  const auto& m = a->answer.media.at(0);
  EXPECT_EQ(m.formats, (std::vector<std::string>{"0", "101"}));
  EXPECT_EQ(*m.find_fmtp(101), "0-15");
  EXPECT_EQ(a->audio.telephone_event, 101);
  EXPECT_EQ(a->audio.remote_ptime, 20u);
}

// §6: same number of m-lines; the video stream is refused with port 0.
TEST(sdp_answer, linphone_video_is_rejected_with_port_zero) {
  auto a = answer(vec::linphone);
  ASSERT_TRUE(a) << a.error().reason;
  ASSERT_EQ(a->answer.media.size(), 2u);
  const auto& audio = a->answer.media[0];
  EXPECT_EQ(audio.port, 40000);
  // Static PCMU without rtpmap; telephone-event at 8000 Hz is pt 100.
  EXPECT_EQ(audio.formats, (std::vector<std::string>{"0", "100"}));
  const auto& video = a->answer.media[1];
  EXPECT_EQ(video.media, "video");
  EXPECT_EQ(video.port, 0);
  EXPECT_EQ(video.formats, std::vector<std::string>{"103"});
  auto text = sdp::to_string(a->answer);
  EXPECT_NE(text.find("m=video 0 RTP/AVP 103\r\n"), std::string::npos);
  EXPECT_TRUE(sdp::parse(text)) << text;
}

TEST(sdp_answer, desk_phones_get_g711) {
  auto cisco = answer(vec::cisco);
  ASSERT_TRUE(cisco);
  EXPECT_EQ(cisco->audio.payload_type, 0);
  EXPECT_EQ(cisco->audio.telephone_event, 101);
  // Polycom lists G.722 first, which the box does not have.
  auto poly = answer(vec::polycom);
  ASSERT_TRUE(poly);
  EXPECT_EQ(poly->audio.payload_type, 0);
  EXPECT_EQ(poly->audio.telephone_event, 127);
  EXPECT_EQ(poly->answer.media[0].dir, sdp::direction::sendrecv);
}

TEST(sdp_answer, box_preference_order_decides) {
  auto a = answer(offer_with("m=audio 5000 RTP/AVP 8 0\r\n"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->audio.audio.encoding, "PCMU");
  auto alaw = answer(offer_with("m=audio 5000 RTP/AVP 8 3\r\n"));
  ASSERT_TRUE(alaw);
  EXPECT_EQ(alaw->audio.payload_type, 8);
}

// RFC 7587: opus only, in the offerer's dynamic number; telephone-event at
// the opus clock rate (RFC 4733 §2.1).
TEST(sdp_answer, opus_only_offer_keeps_offerer_numbers) {
  auto a = answer(offer_with("m=audio 5000 RTP/AVP 111 110 101\r\n"
                             "a=rtpmap:111 OPUS/48000/2\r\n"
                             "a=rtpmap:110 telephone-event/48000\r\n"
                             "a=rtpmap:101 telephone-event/8000\r\n"));
  ASSERT_TRUE(a) << a.error().reason;
  EXPECT_EQ(a->audio.payload_type, 111);
  EXPECT_EQ(a->audio.telephone_event, 110);
  const auto& m = a->answer.media[0];
  EXPECT_EQ(m.find_rtpmap(111)->channels, 2u);
  EXPECT_EQ(m.find_rtpmap(110)->clock_rate, 48000u);
  EXPECT_EQ(*m.find_fmtp(111), "useinbandfec=1");
}

TEST(sdp_answer, mono_opus_or_unmapped_dynamic_type_does_not_match) {
  auto a = answer(offer_with("m=audio 5000 RTP/AVP 111 112\r\n"
                             "a=rtpmap:111 opus/48000\r\n"));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().status, 488);
  EXPECT_EQ(a.error().reason, "no common audio codec");
}

TEST(sdp_answer, not_acceptable_here) {
  struct {
    std::string offer;
    const char* reason;
  } cases[] = {
      {offer_with("m=audio 5000 RTP/AVP 18 9\r\n"), "no common audio codec"},
      {vec::polycom_srtp, "SRTP (RTP/SAVP) not supported"},
      {offer_with("m=video 5000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"),
       "no audio stream offered"},
      {offer_with("m=audio 0 RTP/AVP 0\r\n"), "no audio stream offered"},
      {offer_with(""), "no audio stream offered"},
  };
  for (const auto& c : cases) {
    auto a = answer(c.offer);
    ASSERT_FALSE(a) << c.offer;
    EXPECT_EQ(a.error().status, 488);
    EXPECT_EQ(a.error().reason, c.reason) << c.offer;
  }
}

// Best-effort SRTP as two m-lines: the SAVP line is refused, AVP accepted.
TEST(sdp_answer, savp_line_rejected_avp_line_accepted) {
  auto a = answer(offer_with("m=audio 5000 RTP/SAVP 0\r\n"
                             "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\n"
                             "m=audio 5002 RTP/AVP 0\r\n"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->answer.media[0].port, 0);
  EXPECT_EQ(a->answer.media[0].proto, "RTP/SAVP");
  EXPECT_EQ(a->answer.media[1].port, 40000);
  EXPECT_EQ(a->audio.index, 1u);
  EXPECT_EQ(a->audio.remote_port, 5002);
}

TEST(sdp_answer, only_the_first_usable_audio_stream_is_accepted) {
  auto a = answer(offer_with("m=audio 5000 RTP/AVP 0\r\n"
                             "m=audio 5002 RTP/AVP 0\r\n"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->answer.media[0].port, 40000);
  EXPECT_EQ(a->answer.media[1].port, 0);
}

// RFC 3264 §6.1 direction table, from the box's point of view.
TEST(sdp_answer, direction_per_rfc_3264_6_1) {
  using d = sdp::direction;
  struct {
    const char* offered;
    d wanted;
    d answered;
  } cases[] = {
      {"sendrecv", d::sendrecv, d::sendrecv},
      {"sendrecv", d::recvonly, d::recvonly},
      {"sendrecv", d::sendonly, d::sendonly},
      {"sendonly", d::sendrecv, d::recvonly},
      {"sendonly", d::recvonly, d::recvonly},
      {"sendonly", d::sendonly, d::inactive},
      {"recvonly", d::sendrecv, d::sendonly},
      {"recvonly", d::sendonly, d::sendonly},
      {"recvonly", d::recvonly, d::inactive},
      {"inactive", d::sendrecv, d::inactive},
  };
  for (const auto& c : cases) {
    auto local = box();
    local.dir = c.wanted;
    auto a = answer(offer_with(std::string{"m=audio 5000 RTP/AVP 0\r\na="} +
                               c.offered + "\r\n"),
                    local);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->answer.media[0].dir, c.answered) << c.offered;
    EXPECT_EQ(a->audio.dir, c.answered) << c.offered;
  }
}

TEST(sdp_answer, copies_the_offer_timing_and_uses_ipv6_locally) {
  auto local = box();
  local.type = sdp::address_type::ip6;
  local.address = "::1";
  auto a = answer("v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n"
                  "c=IN IP4 127.0.0.2\r\nt=3034423619 0\r\n"
                  "m=audio 5000 RTP/AVP 0\r\n",
                  local);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->answer.start_time, 3034423619u);
  auto text = sdp::to_string(a->answer);
  EXPECT_NE(text.find("c=IN IP6 ::1\r\n"), std::string::npos) << text;
}

TEST(sdp_offer, lists_the_box_codecs_with_dynamic_numbers) {
  auto local = box();
  local.dir = sdp::direction::sendonly;
  auto offer = sdp::make_offer(sdp::box_codecs(), local);
  EXPECT_EQ(sdp::to_string(offer), "v=0\r\n"
                                   "o=ivm 42 1 IN IP4 127.0.0.9\r\n"
                                   "s=-\r\n"
                                   "c=IN IP4 127.0.0.9\r\n"
                                   "t=0 0\r\n"
                                   "m=audio 40000 RTP/AVP 0 8 96 97\r\n"
                                   "a=rtpmap:0 PCMU/8000\r\n"
                                   "a=rtpmap:8 PCMA/8000\r\n"
                                   "a=rtpmap:96 opus/48000/2\r\n"
                                   "a=fmtp:96 useinbandfec=1\r\n"
                                   "a=rtpmap:97 telephone-event/8000\r\n"
                                   "a=fmtp:97 0-15\r\n"
                                   "a=ptime:20\r\n"
                                   "a=sendonly\r\n");
}

TEST(sdp_offer, the_box_can_answer_its_own_offer) {
  auto offer =
      sdp::parse(sdp::to_string(sdp::make_offer(sdp::box_codecs(), box())));
  ASSERT_TRUE(offer);
  auto local = box();
  local.dir = sdp::direction::recvonly;
  auto a = sdp::make_answer(*offer, sdp::box_codecs(), local);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->audio.payload_type, 0);
  EXPECT_EQ(a->audio.telephone_event, 97);
  EXPECT_EQ(a->audio.dir, sdp::direction::recvonly);
}

TEST(sdp_read_answer, a_phone_answering_the_intercom_offer_with_pcma) {
  auto a = sdp::parse("v=0\r\n"
                      "o=phone 1 1 IN IP4 127.0.0.5\r\n"
                      "s=-\r\n"
                      "c=IN IP4 127.0.0.5\r\n"
                      "t=0 0\r\n"
                      "m=audio 30000 RTP/AVP 8 101\r\n"
                      "a=rtpmap:101 telephone-event/8000\r\n"
                      "a=recvonly\r\n");
  ASSERT_TRUE(a);
  auto n = sdp::read_answer(*a, sdp::box_codecs());
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(n->audio.encoding, "PCMA");
  EXPECT_EQ(n->payload_type, 8);
  EXPECT_EQ(n->telephone_event, 101);
  EXPECT_EQ(n->remote.address, "127.0.0.5");
  EXPECT_EQ(n->remote_port, 30000);
  EXPECT_EQ(n->dir, sdp::direction::recvonly);
}

TEST(sdp_read_answer, the_answerers_first_format_wins) {
  auto a = sdp::parse("v=0\r\n"
                      "o=phone 1 1 IN IP4 127.0.0.5\r\n"
                      "s=-\r\n"
                      "t=0 0\r\n"
                      "m=video 0 RTP/AVP 31\r\n"
                      "c=IN IP4 127.0.0.5\r\n"
                      "m=audio 30002 RTP/AVP 96 0\r\n"
                      "c=IN IP4 127.0.0.6\r\n"
                      "a=rtpmap:96 opus/48000/2\r\n");
  ASSERT_TRUE(a);
  auto n = sdp::read_answer(*a, sdp::box_codecs());
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(n->audio.encoding, "opus");
  EXPECT_EQ(n->payload_type, 96);
  EXPECT_EQ(n->index, 1u);
  EXPECT_EQ(n->remote.address, "127.0.0.6");
  EXPECT_FALSE(n->telephone_event);
}

TEST(sdp_read_answer, nothing_usable_is_an_error) {
  for (const char* body : {"v=0\r\no=- 1 1 IN IP4 127.0.0.5\r\ns=-\r\n"
                           "c=IN IP4 127.0.0.5\r\nt=0 0\r\n"
                           "m=audio 0 RTP/AVP 0\r\n",
                           "v=0\r\no=- 1 1 IN IP4 127.0.0.5\r\ns=-\r\n"
                           "c=IN IP4 127.0.0.5\r\nt=0 0\r\n"
                           "m=audio 4000 RTP/AVP 18\r\n",
                           "v=0\r\no=- 1 1 IN IP4 127.0.0.5\r\ns=-\r\n"
                           "c=IN IP4 127.0.0.5\r\nt=0 0\r\n"
                           "m=audio 4000 RTP/AVP 101\r\n"
                           "a=rtpmap:101 telephone-event/8000\r\n"}) {
    auto a = sdp::parse(body);
    ASSERT_TRUE(a) << body;
    EXPECT_FALSE(sdp::read_answer(*a, sdp::box_codecs())) << body;
  }
}

TEST(sdp_rtcp_port, rfc_3605_attribute_or_the_next_port) {
  auto a = sdp::parse("v=0\r\no=- 1 1 IN IP4 127.0.0.5\r\ns=-\r\n"
                      "c=IN IP4 127.0.0.5\r\nt=0 0\r\n"
                      "m=audio 4000 RTP/AVP 0\r\n"
                      "m=audio 5000 RTP/AVP 0\r\n"
                      "a=rtcp:5003 IN IP4 127.0.0.5\r\n");
  ASSERT_TRUE(a);
  EXPECT_EQ(sdp::rtcp_port_of(a->media[0]), 4001);
  EXPECT_EQ(sdp::rtcp_port_of(a->media[1]), 5003);
  auto n = sdp::read_answer(*a, sdp::box_codecs());
  ASSERT_TRUE(n);
  EXPECT_EQ(n->remote_rtcp_port, 4001);
}
