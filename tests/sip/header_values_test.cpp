// Typed header values, URIs and message helpers on hand-written input.

#include <string>

#include <gtest/gtest.h>

#include "appliance/sip/auth.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/message.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/uri.hpp"
#include "appliance/sip/via.hpp"

namespace sip = ivm::sip;

TEST(sip_header_names, compact_forms) {
  struct {
    const char* compact;
    const char* name;
  } cases[] = {{"i", "Call-ID"},
               {"f", "From"},
               {"m", "Contact"},
               {"e", "Content-Encoding"},
               {"l", "Content-Length"},
               {"s", "Subject"},
               {"k", "Supported"},
               {"v", "Via"},
               {"t", "To"},
               {"c", "Content-Type"},
               {"o", "Event"},
               {"u", "Allow-Events"},
               {"r", "Refer-To"},
               {"b", "Referred-By"},
               {"x", "Session-Expires"},
               {"y", "Identity"},
               {"a", "Accept-Contact"},
               {"j", "Reject-Contact"},
               {"d", "Request-Disposition"},
               {"n", "Identity-Info"}};
  for (auto& c : cases) {
    EXPECT_EQ(sip::lookup_header(c.compact), sip::lookup_header(c.name))
        << c.compact;
    EXPECT_EQ(sip::canonical_name(sip::lookup_header(c.compact)), c.name);
  }
  EXPECT_EQ(sip::lookup_header("cAlL-iD"), sip::header_id::call_id);
  EXPECT_EQ(sip::lookup_header("X-Unknown"), sip::header_id::unknown);
  EXPECT_EQ(sip::lookup_header("q"), sip::header_id::unknown);
}

TEST(sip_message, lookup_and_edit) {
  auto msg = sip::parse("OPTIONS sip:a@b SIP/2.0\r\n"
                        "Supported: a, b\r\n"
                        "k: c\r\n"
                        "X-Foo: 1\r\n"
                        "Contact: \"a,b\" <sip:x@y;p=1,2>, <sip:z@w>\r\n"
                        "x-foo: 2\r\n"
                        "\r\n");
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->count("supported"), 2u);
  EXPECT_EQ(msg->values("Supported"),
            (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_EQ(msg->values("m"), (std::vector<std::string_view>{
                                  "\"a,b\" <sip:x@y;p=1,2>", "<sip:z@w>"}));
  EXPECT_EQ(msg->count("X-FOO"), 2u);
  EXPECT_EQ(msg->find("k")->canonical_name(), "Supported");
  EXPECT_EQ(msg->find("X-Foo")->canonical_name(), "X-Foo");
  msg->replace("Supported", "d");
  EXPECT_EQ(msg->values("k"), (std::vector<std::string_view>{"d"}));
  EXPECT_EQ(msg->headers[0].name, "Supported");
  EXPECT_EQ(msg->remove("x-foo"), 2u);
  msg->push_front("Via", "SIP/2.0/UDP h");
  EXPECT_EQ(msg->headers[0].id, sip::header_id::via);
  EXPECT_FALSE(msg->find("Route"));
}

TEST(sip_uri, sip_components) {
  auto u = sip::parse_uri("sips:alice:secret@Example.COM:5061;transport=tls"
                          ";lr?subject=hi&priority=urgent");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "sips");
  EXPECT_EQ(u->user, "alice");
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->host, "Example.COM");
  EXPECT_EQ(u->port, 5061);
  ASSERT_EQ(u->params.size(), 2u);
  EXPECT_EQ(sip::param_value(u->params, "transport"), "tls");
  EXPECT_TRUE(sip::find_param(u->params, "lr"));
  EXPECT_EQ(u->headers, "subject=hi&priority=urgent");
  auto tel = sip::parse_uri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(tel);
  EXPECT_EQ(tel->user, "+1-201-555-0123");
  EXPECT_EQ(tel->params.size(), 1u);
  for (auto bad :
       {"sip:", "sip:a@", "sip:a b@c", "sip:h:99999", "sip:h:", "sip:[::1",
        "sip:[1:2:3:4:5:6:7:8:9]", "sip:h;", "sip:h;=x", "sip:%4@h", "1sip:h",
        ":h", "sip:h?", "tel:", "x:a b", "sip:[2001:db8:::1]", "sip:-h"})
    EXPECT_FALSE(sip::parse_uri(bad)) << bad;
}

TEST(sip_uri, unescape) {
  EXPECT_EQ(sip::unescape("%41%42c"), "ABc");
  EXPECT_EQ(sip::unescape("a%00b"), std::string("a\0b", 3));
  EXPECT_EQ(sip::unescape("%25%34%31"), "%41");
  EXPECT_EQ(sip::unescape("%Z%45%"), "%ZE%");
  EXPECT_EQ(sip::unescape("%4"), "%4");
}

TEST(sip_uri, addresses) {
  EXPECT_TRUE(sip::is_ipv6_address("::"));
  EXPECT_TRUE(sip::is_ipv6_address("::1"));
  EXPECT_TRUE(sip::is_ipv6_address("1::"));
  EXPECT_TRUE(sip::is_ipv6_address("1:2:3:4:5:6:7:8"));
  EXPECT_TRUE(sip::is_ipv6_address("::ffff:192.0.2.1"));
  EXPECT_FALSE(sip::is_ipv6_address("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(sip::is_ipv6_address("1::2::3"));
  EXPECT_FALSE(sip::is_ipv6_address(":1"));
  EXPECT_FALSE(sip::is_ipv6_address("12345::"));
  EXPECT_TRUE(sip::is_ipv4_address("192.0.2.1"));
  EXPECT_FALSE(sip::is_ipv4_address("192.0.2"));
  EXPECT_FALSE(sip::is_ipv4_address("192.0.2.256"));
  EXPECT_FALSE(sip::is_ipv4_address("1.2.3.4.5"));
}

TEST(sip_name_addr, forms) {
  auto a = sip::parse_name_addr("Alice Smith <sip:alice@a.com;lr>;tag=x");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->display_name, "Alice Smith");
  EXPECT_TRUE(a->angle_brackets);
  EXPECT_EQ(a->uri.params.size(), 1u);
  EXPECT_EQ(a->tag(), "x");
  auto b = sip::parse_name_addr("sip:bob@b.com;tag=y;lr");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->uri.params.empty());
  EXPECT_EQ(b->params.size(), 2u);
  auto c = sip::parse_name_addr("\"\\\"q\\\\\" <sip:c@c.com>");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->display_name, "\"q\\");
  EXPECT_TRUE(c->quoted_display);
}

TEST(sip_contact, star_q_expires) {
  auto star = sip::parse_contact(" * ");
  ASSERT_TRUE(star);
  EXPECT_TRUE(star->star);
  auto list = sip::parse_contact("<sip:a@b>;q=0.7;expires=3600, sip:c@d;q=1");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->entries.size(), 2u);
  EXPECT_EQ(sip::contact_q(list->entries[0]), 700);
  EXPECT_EQ(sip::contact_expires(list->entries[0]), 3600u);
  EXPECT_EQ(sip::contact_q(list->entries[1]), 1000);
  EXPECT_FALSE(sip::parse_contact("<sip:a@b>;q=1.5"));
  EXPECT_FALSE(sip::parse_contact("<sip:a@b>;expires=4294967296"));
  EXPECT_FALSE(sip::parse_contact("<sip:a@b>,"));
}

TEST(sip_via, params) {
  auto v = sip::parse_via("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx;rport"
                          ";received=10.0.0.2;maddr=224.2.0.1;ttl=16, "
                          "SIP/2.0/TCP [::1];rport=5062");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->size(), 2u);
  auto& a = (*v)[0];
  EXPECT_EQ(a.port, 5060);
  EXPECT_TRUE(a.has_rport());
  EXPECT_FALSE(a.rport());
  EXPECT_EQ(a.received(), "10.0.0.2");
  EXPECT_EQ(a.maddr(), "224.2.0.1");
  EXPECT_EQ(a.ttl(), 16);
  EXPECT_TRUE(a.rfc3261_branch());
  EXPECT_EQ((*v)[1].rport(), 5062);
  EXPECT_EQ((*v)[1].host, "[::1]");
  EXPECT_FALSE(sip::parse_via("SIP/2.0/UDP h;ttl=256"));
  EXPECT_FALSE(sip::parse_via("SIP/2.0/UDP h;received=h.com"));
  EXPECT_FALSE(sip::parse_via("SIP/2.0/UDP h:70000"));
  EXPECT_FALSE(sip::parse_via("SIP/2.0/UDP 192.0.2.15;;,;,,"));
}

TEST(sip_scalars, overflow_safe) {
  EXPECT_EQ(sip::parse_cseq("4294967295 INVITE")->number, 4294967295u);
  EXPECT_FALSE(sip::parse_cseq("4294967296 INVITE"));
  EXPECT_FALSE(sip::parse_cseq("-1 INVITE"));
  EXPECT_FALSE(sip::parse_cseq("1INVITE"));
  EXPECT_FALSE(sip::parse_cseq("1 INVITE x"));
  EXPECT_EQ(*sip::parse_max_forwards("255"), 255);
  EXPECT_FALSE(sip::parse_max_forwards("256"));
  EXPECT_EQ(*sip::parse_expires("4294967295"), 4294967295u);
  EXPECT_FALSE(sip::parse_expires("4294967296"));
  EXPECT_FALSE(sip::parse_content_length("1e3"));
  EXPECT_EQ(*sip::parse_retry_after("120 (lunch);duration=60"), 120u);
  EXPECT_FALSE(sip::parse_retry_after("949302838503028349304023988"));
  EXPECT_EQ(*sip::parse_warning("399 host \"x\", 307 h \"y\""),
            (std::vector<int>{399, 307}));
  EXPECT_FALSE(sip::parse_warning("1812 overture \"In Progress\""));
  EXPECT_TRUE(sip::is_valid_date("Sat, 13 Nov 2010 23:29:00 GMT"));
  EXPECT_FALSE(sip::is_valid_date("Fri, 01 Jan 2010 16:00:00 EST"));
}

TEST(sip_media, content_type_and_accept) {
  auto t = sip::parse_content_type(
      "Multipart/Signed ; protocol=\"application/pkcs7-signature\";b=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->type, "multipart");
  EXPECT_EQ(t->subtype, "signed");
  EXPECT_EQ(sip::param_value(t->params, "protocol"),
            "application/pkcs7-signature");
  EXPECT_FALSE(sip::parse_content_type("text/*"));
  EXPECT_FALSE(sip::parse_content_type("text"));
  auto a = sip::parse_accept("application/sdp;q=0.5, */*");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size(), 2u);
  EXPECT_TRUE(sip::parse_accept("")->empty());
  EXPECT_FALSE(sip::parse_accept("*/sdp"));
}

TEST(sip_events, event_and_subscription_state) {
  auto e = sip::parse_event("presence.winfo;id=17");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->package, "presence.winfo");
  EXPECT_EQ(e->id(), "17");
  auto s = sip::parse_subscription_state("Active;expires=600");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, "active");
  EXPECT_EQ(s->expires(), 600u);
  auto t = sip::parse_subscription_state("terminated;reason=timeout"
                                         ";retry-after=30");
  EXPECT_EQ(t->reason(), "timeout");
  EXPECT_EQ(t->retry_after(), 30u);
  EXPECT_FALSE(sip::parse_subscription_state("active;expires=x"));
  EXPECT_EQ(*sip::parse_token_list("INVITE, ACK ,BYE"),
            (std::vector<std::string>{"INVITE", "ACK", "BYE"}));
  EXPECT_FALSE(sip::parse_token_list("INVITE,,BYE"));
}

TEST(sip_auth, digest_and_unknown) {
  auto d = sip::parse_auth(
      "Digest username=\"bob\", realm=\"a\\\"b\", nonce=\"n\", "
      "uri=\"sip:a@b\", response=\"0123\", algorithm=MD5, qop=auth, "
      "nc=00000001, cnonce=\"c\"");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->scheme, "Digest");
  EXPECT_EQ(d->get("username"), "bob");
  EXPECT_EQ(d->get("realm"), "a\"b");
  EXPECT_EQ(d->get("algorithm"), "MD5");
  EXPECT_EQ(d->get("nc"), "00000001");
  EXPECT_EQ(d->params.size(), 9u);
  auto u = sip::parse_auth("Bearer abc.def/ghi==");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "Bearer");
  EXPECT_EQ(u->raw_params, "abc.def/ghi==");
  EXPECT_TRUE(u->params.empty());
}

TEST(sip_call_id, words) {
  EXPECT_TRUE(sip::parse_call_id("abc@def"));
  EXPECT_FALSE(sip::parse_call_id(""));
  EXPECT_FALSE(sip::parse_call_id("a b"));
  EXPECT_FALSE(sip::parse_call_id("a@"));
}
