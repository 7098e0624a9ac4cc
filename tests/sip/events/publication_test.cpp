// appliance/sip/events/publication: RFC 3903 event state compositor.

#include <gtest/gtest.h>

#include "appliance/sip/events/publication.hpp"
#include "appliance/sip/parser.hpp"

using namespace ivm::sip;
using namespace ivm::sip::events;

namespace {

constexpr std::uint64_t t0 = 2'000'000;

message pub(const std::string& extra, const std::string& body = "",
            const std::string& event = "Event: presence\r\n") {
  std::string head = "PUBLISH sip:201@box.example SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-p\r\n"
                     "From: <sip:201@box.example>;tag=p1\r\n"
                     "To: <sip:201@box.example>\r\n"
                     "Call-ID: p-1@192.0.2.7\r\nCSeq: 1 PUBLISH\r\n" +
                     event + extra;
  if (!body.empty())
    head += "Content-Type: application/pidf+xml\r\n";
  auto m = parse(head + "Content-Length: " + std::to_string(body.size()) +
                 "\r\n\r\n" + body);
  EXPECT_TRUE(m) << (m ? "" : m.error().reason);
  return *m;
}

const events_config cfg{};

} // namespace

// RFC 3903 §6 steps 4-8: initial publication gets an entity-tag.
TEST(publication, initial_publish_creates_entry) {
  resource_publications res;
  auto r = apply_publish(res, pub("Expires: 600\r\n", "<open/>"), t0, cfg, "e1",
                         "tt");
  EXPECT_EQ(r.response.status_code, 200);
  EXPECT_EQ(r.response.value_of("SIP-ETag"), "e1");
  EXPECT_EQ(r.response.value_of("Expires"), "600");
  EXPECT_EQ(r.response.value_of("To"), "<sip:201@box.example>;tag=tt");
  EXPECT_TRUE(r.changed);
  ASSERT_EQ(res.entries.size(), 1u);
  EXPECT_EQ(res.entries[0].body, "<open/>");
  EXPECT_EQ(res.entries[0].content_type, "application/pidf+xml");
  EXPECT_EQ(res.entries[0].expires_at, t0 + 600);
  EXPECT_EQ(res.package, "presence");
}

// RFC 3903 §6 step 4: an initial PUBLISH without body is 400.
TEST(publication, initial_without_body_is_400) {
  resource_publications res;
  auto r = apply_publish(res, pub(""), t0, cfg, "e1", "tt");
  EXPECT_EQ(r.response.status_code, 400);
  EXPECT_TRUE(res.entries.empty());
}

// RFC 3903 §4.2 refresh: SIP-If-Match, no body -> new entity-tag.
TEST(publication, refresh_gives_new_etag_without_change) {
  resource_publications res;
  apply_publish(res, pub("", "<open/>"), t0, cfg, "e1", "tt");
  EXPECT_EQ(res.entries[0].expires_at, t0 + 3600);
  auto r = apply_publish(res, pub("SIP-If-Match: e1\r\nExpires: 900\r\n"),
                         t0 + 100, cfg, "e2", "tt");
  EXPECT_EQ(r.response.status_code, 200);
  EXPECT_EQ(r.response.value_of("SIP-ETag"), "e2");
  EXPECT_FALSE(r.changed);
  ASSERT_EQ(res.entries.size(), 1u);
  EXPECT_EQ(res.entries[0].etag, "e2");
  EXPECT_EQ(res.entries[0].body, "<open/>");
  EXPECT_EQ(res.entries[0].expires_at, t0 + 1000);
  // The old entity-tag is gone (§4.2: it was replaced).
  r = apply_publish(res, pub("SIP-If-Match: e1\r\n"), t0 + 101, cfg, "e3",
                    "tt");
  EXPECT_EQ(r.response.status_code, 412);
}

// RFC 3903 §4.4 modify: SIP-If-Match with body replaces the state.
TEST(publication, modify_replaces_body) {
  resource_publications res;
  apply_publish(res, pub("", "<open/>"), t0, cfg, "e1", "tt");
  apply_publish(res, pub("", "<other/>"), t0, cfg, "x1", "tt");
  auto r = apply_publish(res, pub("SIP-If-Match: e1\r\n", "<closed/>"), t0 + 5,
                         cfg, "e2", "tt");
  EXPECT_EQ(r.response.status_code, 200);
  EXPECT_TRUE(r.changed);
  ASSERT_EQ(res.entries.size(), 2u);
  EXPECT_EQ(res.entries[0].etag, "e2");
  EXPECT_EQ(res.entries[0].body, "<closed/>");
  EXPECT_EQ(res.entries[1].body, "<other/>");
}

// RFC 3903 §4.5 remove: Expires: 0.
TEST(publication, remove_with_expires_zero) {
  resource_publications res;
  apply_publish(res, pub("", "<open/>"), t0, cfg, "e1", "tt");
  auto r = apply_publish(res, pub("SIP-If-Match: e1\r\nExpires: 0\r\n"), t0 + 5,
                         cfg, "e2", "tt");
  EXPECT_EQ(r.response.status_code, 200);
  EXPECT_EQ(r.response.value_of("Expires"), "0");
  EXPECT_EQ(r.response.find("SIP-ETag"), nullptr);
  EXPECT_TRUE(r.changed);
  EXPECT_TRUE(res.entries.empty());
}

// RFC 3903 §6 step 3: unknown entity-tag -> 412.
TEST(publication, unknown_or_expired_etag_is_412) {
  resource_publications res;
  auto r = apply_publish(res, pub("SIP-If-Match: nope\r\n"), t0, cfg, "e", "t");
  EXPECT_EQ(r.response.status_code, 412);
  apply_publish(res, pub("Expires: 60\r\n", "<open/>"), t0, cfg, "e1", "tt");
  r = apply_publish(res, pub("SIP-If-Match: e1\r\n"), t0 + 60, cfg, "e2", "tt");
  EXPECT_EQ(r.response.status_code, 412);
  EXPECT_TRUE(r.changed); // the expired entry was dropped
  EXPECT_TRUE(res.entries.empty());
}

// RFC 3903 §6 step 5: 423 with Min-Expires; the maximum caps.
TEST(publication, expiry_limits) {
  resource_publications res;
  auto r = apply_publish(res, pub("Expires: 10\r\n", "<open/>"), t0, cfg, "e1",
                         "tt");
  EXPECT_EQ(r.response.status_code, 423);
  EXPECT_EQ(r.response.value_of("Min-Expires"), "60");
  r = apply_publish(res, pub("Expires: 100000\r\n", "<open/>"), t0, cfg, "e1",
                    "tt");
  EXPECT_EQ(r.response.value_of("Expires"), "7200");
}

// RFC 3903 §6 step 2: unknown event package -> 489.
TEST(publication, unknown_event_is_489) {
  resource_publications res;
  auto r =
      apply_publish(res, pub("", "x", "Event: weather\r\n"), t0, cfg, "e", "t");
  EXPECT_EQ(r.response.status_code, 489);
  EXPECT_FALSE(r.response.value_of("Allow-Events").empty());
  r = apply_publish(res, pub("", "x", ""), t0, cfg, "e", "t");
  EXPECT_EQ(r.response.status_code, 400);
}

TEST(publication, expiry_by_time) {
  resource_publications res;
  apply_publish(res, pub("Expires: 100\r\n", "<a/>"), t0, cfg, "e1", "tt");
  apply_publish(res, pub("Expires: 200\r\n", "<b/>"), t0, cfg, "e2", "tt");
  EXPECT_EQ(next_expiry(res), t0 + 100);
  EXPECT_FALSE(expire_publications(res, t0 + 99));
  EXPECT_TRUE(expire_publications(res, t0 + 100));
  ASSERT_EQ(res.entries.size(), 1u);
  EXPECT_EQ(res.entries[0].etag, "e2");
  EXPECT_EQ(next_expiry(res), t0 + 200);
  EXPECT_TRUE(expire_publications(res, t0 + 200));
  EXPECT_FALSE(next_expiry(res));
}
