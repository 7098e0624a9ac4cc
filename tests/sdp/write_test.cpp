// ivm::sdp::to_string: RFC 4566 §5 line order, and parse/write round trips
// over the phone vectors and over mutated bodies.

#include <random>
#include <string>

#include <gtest/gtest.h>

#include "appliance/sdp/parser.hpp"
#include "appliance/sdp/writer.hpp"
#include "tests/sdp/vectors.hpp"

namespace sdp = ivm::sdp;
namespace vec = ivm::sdp::vectors;

namespace {

const char* const all_vectors[] = {vec::sipp_uac, vec::baresip,
                                   vec::linphone, vec::cisco,
                                   vec::polycom,  vec::polycom_srtp};

} // namespace

TEST(sdp_write, sipp_offer_is_written_back_byte_for_byte) {
  auto s = sdp::parse(vec::sipp_uac);
  ASSERT_TRUE(s);
  EXPECT_EQ(sdp::to_string(*s), vec::sipp_uac);
}

TEST(sdp_write, cisco_offer_is_written_back_byte_for_byte) {
  auto s = sdp::parse(vec::cisco);
  ASSERT_TRUE(s);
  EXPECT_EQ(sdp::to_string(*s), vec::cisco);
}

TEST(sdp_write, orders_lines_as_rfc_4566_says) {
  sdp::session_description s;
  s.orig = {"ivm", "7", "8", sdp::address_type::ip4, "127.0.0.1"};
  s.name = "";
  s.others.push_back({'b', "AS:80"});
  s.others.push_back({'i', "info"});
  s.conn = sdp::connection{sdp::address_type::ip4, "127.0.0.1"};
  sdp::media_description m;
  m.media = "audio";
  m.port = 5004;
  m.proto = "RTP/AVP";
  m.formats = {"8", "101"};
  m.fmtps.push_back({101, "0-15"});
  m.rtpmaps.push_back({101, "telephone-event", 8000, 0});
  m.rtpmaps.push_back({8, "PCMA", 8000, 0});
  m.dir = sdp::direction::recvonly;
  m.ptime = 20;
  m.attributes.push_back({"rtcp-mux", "", false});
  s.media.push_back(m);
  EXPECT_EQ(sdp::to_string(s), "v=0\r\n"
                               "o=ivm 7 8 IN IP4 127.0.0.1\r\n"
                               "s= \r\n"
                               "i=info\r\n"
                               "c=IN IP4 127.0.0.1\r\n"
                               "b=AS:80\r\n"
                               "t=0 0\r\n"
                               "m=audio 5004 RTP/AVP 8 101\r\n"
                               "a=rtpmap:8 PCMA/8000\r\n"
                               "a=rtpmap:101 telephone-event/8000\r\n"
                               "a=fmtp:101 0-15\r\n"
                               "a=ptime:20\r\n"
                               "a=rtcp-mux\r\n"
                               "a=recvonly\r\n");
}

TEST(sdp_write, every_vector_round_trips) {
  for (const char* v : all_vectors) {
    auto first = sdp::parse(v);
    ASSERT_TRUE(first) << v;
    auto text = sdp::to_string(*first);
    auto second = sdp::parse(text);
    ASSERT_TRUE(second) << text;
    EXPECT_EQ(sdp::to_string(*second), text);
  }
}

// Mutated phone bodies: the parser either refuses them or gives something
// that writes and parses back to the same text. (Run under ASan/UBSan.)
TEST(sdp_write, mutated_bodies_are_refused_or_round_trip) {
  std::mt19937 rng(4566);
  const char alphabet[] = "v=o s c t m a:/ 0123456789\r\n\t\0\xff-IPN";
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string body = all_vectors[i % 6];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      auto pos = rng() % body.size();
      switch (rng() % 3) {
        case 0:
          body[pos] = alphabet[rng() % (sizeof alphabet - 1)];
          break;
        case 1:
          body.erase(pos, 1 + rng() % 16);
          break;
        default:
          body.insert(pos, 1, alphabet[rng() % (sizeof alphabet - 1)]);
      }
    }
    auto s = sdp::parse(body);
    if (!s)
      continue;
    ++accepted;
    auto text = sdp::to_string(*s);
    auto again = sdp::parse(text);
    ASSERT_TRUE(again) << again.error().reason << "\n" << text;
    EXPECT_EQ(sdp::to_string(*again), text);
  }
  EXPECT_GT(accepted, 0);
}
