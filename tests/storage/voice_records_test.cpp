#include <gtest/gtest.h>

#include "storage/records/legacy.hpp"
#include "storage/records/records.hpp"

namespace records = ivm::storage::records;

namespace {

TEST(voice_records, pending_recording_round_trip) {
  records::voice_pending p{"201",
                           "Alice \"A\"",
                           {"202", "203"},
                           8000,
                           std::string("\x01\x00\xff\x7f\x00\x80", 6)};
  auto back = records::decode_voice_pending(records::encode(p));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->from_ext, "201");
  EXPECT_EQ(back->from_name, "Alice \"A\"");
  EXPECT_EQ(back->recipients, (std::vector<std::string>{"202", "203"}));
  EXPECT_EQ(back->rate, 8000u);
  EXPECT_EQ(back->pcm, p.pcm);
}

TEST(voice_records, pending_recording_truncated_or_garbage_is_an_error) {
  auto bytes = records::encode(records::voice_pending{
      "201", "Alice", {"202"}, 8000, std::string(320, '\x11')});
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(records::decode_voice_pending(bytes.substr(0, n))) << n;
  EXPECT_FALSE(records::decode_voice_pending(bytes + "x"));
}

TEST(voice_records, pending_keys_have_their_own_prefix) {
  auto key = records::voice_pending_key("0123abc");
  EXPECT_EQ(key.rfind(records::voice_pending_prefix(), 0), 0u);
  EXPECT_NE(records::voice_blob_key("0123abc").rfind(
                records::voice_pending_prefix(), 0),
            0u);
}

} // namespace

// A PBX record keeps its SIP trunk (version 5); an older record without one
// is still written in its older version and read back unchanged.
TEST(legacy_records, pbx_trunk_round_trips_and_old_versions_still_read) {
  namespace rec = ivm::storage::records;
  rec::media_gateway g;
  g.name = "pbx1";
  g.protocol = "csta";
  g.address = "192.0.2.20:1040";
  g.domain = "pbx1";
  g.created_s = 7;
  g.encoding = "ed4";
  g.handshake = "none";
  auto v3 = rec::encode(g);
  EXPECT_EQ(static_cast<unsigned char>(v3.at(0)), 3);
  g.trunk = "192.0.2.20:5060";
  g.trunk_prefixes = "3,40";
  auto v5 = rec::encode(g);
  EXPECT_EQ(static_cast<unsigned char>(v5.at(0)), 5);
  auto back = rec::decode_media_gateway(v5);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->trunk, "192.0.2.20:5060");
  EXPECT_EQ(back->trunk_prefixes, "3,40");
  EXPECT_FALSE(back->tls);
  auto old = rec::decode_media_gateway(v3);
  ASSERT_TRUE(old);
  EXPECT_TRUE(old->trunk.empty());
  EXPECT_EQ(old->handshake, "none");
  for (std::size_t n = 1; n < v5.size(); ++n)
    EXPECT_FALSE(rec::decode_media_gateway(v5.substr(0, n)));
}
