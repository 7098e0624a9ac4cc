// ivm::sdp::parse: SDP bodies as phones send them (RFC 4566 §5) and bodies
// that must be refused without harm.

#include <string>

#include <gtest/gtest.h>

#include "appliance/sdp/parser.hpp"
#include "tests/sdp/vectors.hpp"

namespace sdp = ivm::sdp;
namespace vec = ivm::sdp::vectors;

TEST(sdp_parse, sipp_default_uac) {
  auto s = sdp::parse(vec::sipp_uac);
  ASSERT_TRUE(s) << s.error().reason;
  EXPECT_EQ(s->orig.username, "user1");
  EXPECT_EQ(s->orig.session_id, "53655765");
  EXPECT_EQ(s->orig.session_version, "2353687637");
  EXPECT_EQ(s->orig.address, "127.0.0.1");
  EXPECT_EQ(s->name, "-");
  ASSERT_TRUE(s->conn);
  EXPECT_EQ(s->conn->type, sdp::address_type::ip4);
  EXPECT_EQ(s->conn->address, "127.0.0.1");
  ASSERT_EQ(s->media.size(), 1u);
  const auto& m = s->media[0];
  EXPECT_EQ(m.media, "audio");
  EXPECT_EQ(m.port, 6000);
  EXPECT_EQ(m.kind, sdp::transport::rtp_avp);
  EXPECT_EQ(m.formats, std::vector<std::string>{"0"});
  ASSERT_NE(m.find_rtpmap(0), nullptr);
  EXPECT_EQ(m.find_rtpmap(0)->encoding, "PCMU");
  EXPECT_EQ(m.find_rtpmap(0)->clock_rate, 8000u);
  EXPECT_EQ(sdp::effective_direction(*s, m), sdp::direction::sendrecv);
}

TEST(sdp_parse, baresip_opus_and_dtmf) {
  auto s = sdp::parse(vec::baresip);
  ASSERT_TRUE(s) << s.error().reason;
  ASSERT_EQ(s->attributes.size(), 1u);
  EXPECT_EQ(s->attributes[0].name, "tool");
  EXPECT_EQ(s->attributes[0].value, "baresip 1.1.0");
  const auto& m = s->media.at(0);
  EXPECT_EQ(m.formats, (std::vector<std::string>{"96", "0", "8", "101"}));
  auto opus = m.find_rtpmap(96);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->encoding, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->channels, 2u);
  ASSERT_NE(m.find_fmtp(96), nullptr);
  EXPECT_EQ(*m.find_fmtp(96),
            "stereo=1;sprop-stereo=1;maxaveragebitrate=28000");
  EXPECT_EQ(*m.find_fmtp(101), "0-15");
  EXPECT_EQ(m.ptime, 20u);
  EXPECT_EQ(m.dir, sdp::direction::sendrecv);
  ASSERT_EQ(m.others.size(), 1u);
  EXPECT_EQ(m.others[0].type, 'b');
  EXPECT_EQ(m.others[0].value, "TIAS:64000");
  ASSERT_EQ(m.attributes.size(), 2u);
  EXPECT_EQ(m.attributes[0].name, "rtcp-rsize");
  EXPECT_FALSE(m.attributes[0].has_value);
}

TEST(sdp_parse, linphone_audio_and_video) {
  auto s = sdp::parse(vec::linphone);
  ASSERT_TRUE(s) << s.error().reason;
  ASSERT_EQ(s->media.size(), 2u);
  EXPECT_EQ(s->media[0].formats.size(), 9u);
  EXPECT_EQ(s->media[0].rtpmaps.size(), 6u);
  EXPECT_EQ(s->media[0].find_rtpmap(0), nullptr); // static, no rtpmap
  EXPECT_EQ(*s->media[0].find_fmtp(18), "annexb=yes");
  EXPECT_EQ(s->media[1].media, "video");
  EXPECT_EQ(s->media[1].port, 9078);
  EXPECT_EQ(s->media[1].find_rtpmap(103)->clock_rate, 90000u);
}

TEST(sdp_parse, desk_phones) {
  auto cisco = sdp::parse(vec::cisco);
  ASSERT_TRUE(cisco) << cisco.error().reason;
  EXPECT_EQ(cisco->name, "SIP Call");
  EXPECT_EQ(cisco->media[0].rtpmaps.size(), 4u);
  auto poly = sdp::parse(vec::polycom);
  ASSERT_TRUE(poly) << poly.error().reason;
  EXPECT_EQ(poly->dir, sdp::direction::sendrecv);
  EXPECT_FALSE(poly->media[0].dir);
  auto srtp = sdp::parse(vec::polycom_srtp);
  ASSERT_TRUE(srtp) << srtp.error().reason;
  EXPECT_EQ(srtp->media[0].kind, sdp::transport::rtp_savp);
  EXPECT_EQ(srtp->media[0].attributes.at(0).name, "crypto");
}

TEST(sdp_parse, bare_lf_ipv6_and_media_level_connection) {
  auto s = sdp::parse("v=0\n"
                      "o=- 1 1 IN IP6 ::1\n"
                      "s=\n"
                      "t=0 0\n"
                      "m=audio 4000/2 RTP/AVP 8\n"
                      "c=IN IP6 ::1\n"
                      "a=ptime:30.0\n"
                      "a=recvonly\n"
                      "\n");
  ASSERT_TRUE(s) << s.error().reason;
  EXPECT_EQ(s->orig.type, sdp::address_type::ip6);
  EXPECT_EQ(s->name, "");
  EXPECT_FALSE(s->conn);
  const auto& m = s->media.at(0);
  EXPECT_EQ(m.port_count, 2u);
  ASSERT_TRUE(m.conn);
  EXPECT_EQ(m.conn->address, "::1");
  EXPECT_EQ(m.ptime, 30u);
  EXPECT_EQ(sdp::effective_direction(*s, m), sdp::direction::recvonly);
}

TEST(sdp_parse, refuses_malformed_bodies) {
  const std::string head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                           "c=IN IP4 127.0.0.1\r\nt=0 0\r\n";
  struct {
    std::string body;
    const char* reason;
  } cases[] = {
      {"", "empty body"},
      {"hello", "not a <type>=<value> line"},
      {"v=1\r\n", "first line is not v=0"},
      {"o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n", "first line is not v=0"},
      {"v=0\r\ns=-\r\nc=IN IP4 1.2.3.4\r\n", "missing o= line"},
      {"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n", "missing s= line"},
      {"v=0\r\no=- 1 IN IP4 1.2.3.4\r\ns=-\r\n", "malformed o= line"},
      {"v=0\r\no=- 1 1 ATM NSAP x\r\ns=-\r\n", "unsupported network type"},
      {head + "c=IN IP4 1.2.3.4\r\n", "repeated c= line"},
      {head + "c=IN IPX 1.2.3.4\r\n", "repeated c= line"},
      {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IPX a\r\n",
       "unsupported address type"},
      {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 a b\r\n",
       "malformed c= line"},
      {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nc=IN IP4 <x>\r\n",
       "bad connection address"},
      {head + "m=audio 70000 RTP/AVP 0\r\n", "bad media port"},
      {head + "m=audio 5000 RTP/AVP 128\r\n", "bad RTP payload type"},
      {head + "m=audio 5000 RTP/AVP x\r\n", "bad RTP payload type"},
      {head + "m=audio 5000 RTP/AVP\r\n", "malformed m= line"},
      {head + "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n",
       "malformed rtpmap"},
      {head + "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/0\r\n",
       "bad rtpmap clock rate"},
      {head + "m=audio 5000 RTP/AVP 0\r\na=rtpmap:200 PCMU/8000\r\n",
       "bad rtpmap payload type"},
      {head + "m=audio 5000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
              "a=rtpmap:0 PCMA/8000\r\n",
       "duplicate rtpmap"},
      {head + "m=audio 5000 RTP/AVP 0\r\na=ptime:0\r\n", "bad ptime"},
      {head + "m=audio 5000 RTP/AVP 0\r\na=sendonly\r\na=recvonly\r\n",
       "more than one direction attribute"},
      {head + "m=audio 5000 RTP/AVP 0\r\nt=0 0\r\n", "misplaced t= line"},
      {head + "t=now\r\n", "malformed t= line"},
      {head + "\r\nm=audio 5000 RTP/AVP 0\r\n", "empty line"},
      {head + "M=audio 5000 RTP/AVP 0\r\n", "not a <type>=<value> line"},
      {head + std::string("a=x\0y\r\n", 7), "control character in line"},
      {"v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nm=audio 5000 RTP/AVP 0\r\n",
       "missing c= line"},
  };
  for (const auto& c : cases) {
    auto s = sdp::parse(c.body);
    ASSERT_FALSE(s) << c.body;
    EXPECT_EQ(s.error().reason, c.reason) << c.body;
  }
}

TEST(sdp_parse, enforces_limits) {
  std::string head = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
                     "c=IN IP4 127.0.0.1\r\nt=0 0\r\n";
  sdp::parse_limits limits;
  std::string big = head + "a=x:" + std::string(limits.max_size, 'a');
  EXPECT_EQ(sdp::parse(big).error().reason, "body too large");
  EXPECT_EQ(sdp::parse(head + "a=x:" + std::string(3000, 'a') + "\r\n")
                .error()
                .reason,
            "line too long");
  std::string many_media = head;
  for (int i = 0; i < 17; ++i)
    many_media += "m=audio 5000 RTP/AVP 0\r\n";
  EXPECT_EQ(sdp::parse(many_media).error().reason, "too many media sections");
  std::string many_formats = head + "m=audio 5000 RTP/AVP";
  for (int i = 0; i < 65; ++i)
    many_formats += " 0";
  EXPECT_EQ(sdp::parse(many_formats).error().reason, "too many formats");
  std::string many_attrs = head + "m=audio 5000 RTP/AVP 0\r\n";
  for (int i = 0; i < 129; ++i)
    many_attrs += "a=x\r\n";
  EXPECT_EQ(sdp::parse(many_attrs).error().reason, "too many attributes");
  std::string many_lines = head;
  for (int i = 0; i < 600; ++i)
    many_lines += "i=x\r\n";
  EXPECT_FALSE(sdp::parse(many_lines));
}

TEST(sdp_parse, errors_never_echo_the_input) {
  auto s = sdp::parse("v=0\r\no=<script> 1 IN IP4 x\r\n");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().reason.find("script"), std::string::npos);
  EXPECT_EQ(s.error().line, 2u);
}
