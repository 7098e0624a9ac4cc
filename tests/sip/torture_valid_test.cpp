// RFC 4475 §3.1.1, §3.2, §3.3 and §3.4: messages a parser must accept.
// Each test quotes the section and checks what it talks about.

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "appliance/sip/auth.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/transaction_key.hpp"
#include "appliance/sip/uri.hpp"
#include "appliance/sip/validate.hpp"
#include "appliance/sip/via.hpp"
#include "tests/sip/torture_support.hpp"

namespace sip = ivm::sip;

namespace {

using ivm::test::all_vias;
using ivm::test::load;
using ivm::test::valid;

} // namespace

// 3.1.1.1 A Short Tortuous INVITE: line folding, escaped quotes, empty
// Subject, LWS around ':' and ';', compact names, unknown headers kept
// opaque, leading zeros in Max-Forwards and CSeq.
TEST(sip_rfc4475, wsinv) {
  auto msg = valid("3.1.1.1-wsinv.dat");
  EXPECT_EQ(msg.method, "INVITE");
  EXPECT_EQ(msg.request_uri, "sip:vivekg@chair-dnrc.example.com;unknownparam");
  auto to = sip::parse_name_addr(msg.value_of("To"));
  ASSERT_TRUE(to);
  EXPECT_EQ(to->uri.host, "chair-dnrc.example.com");
  EXPECT_TRUE(to->uri.params.empty());
  EXPECT_EQ(to->tag(), "1918181833n");
  auto from = sip::parse_name_addr(msg.value_of("f"));
  ASSERT_TRUE(from);
  EXPECT_EQ(from->display_name, "J Rosenberg \\\"");
  EXPECT_EQ(from->tag(), "98asjd8");
  EXPECT_EQ(*sip::parse_max_forwards(msg.value_of("Max-Forwards")), 68);
  auto seq = sip::parse_cseq(msg.value_of("CSeq"));
  ASSERT_TRUE(seq);
  EXPECT_EQ(seq->number, 9u); // "0009": leading zeros
  EXPECT_EQ(seq->method, "INVITE");
  ASSERT_EQ(msg.count("Subject"), 1u);
  EXPECT_EQ(msg.value_of("Subject"), "");
  EXPECT_EQ(msg.value_of("NewFangledHeader"),
            "newfangled value continued newfangled value");
  EXPECT_EQ(msg.value_of("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
  auto vias = all_vias(msg);
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(vias[0].transport, "UDP");
  EXPECT_EQ(vias[0].host, "192.0.2.2");
  EXPECT_EQ(vias[0].branch(), "390skdjuw");
  EXPECT_EQ(vias[1].transport, "TCP");
  EXPECT_EQ(vias[1].host, "spindle.example.com");
  EXPECT_EQ(vias[1].branch(), "z9hG4bK9ikj8");
  EXPECT_EQ(vias[2].host, "192.168.255.111");
  EXPECT_EQ(vias[2].branch(), "z9hG4bK30239");
  auto contact = sip::parse_contact(msg.value_of("Contact"));
  ASSERT_TRUE(contact);
  ASSERT_EQ(contact->entries.size(), 1u);
  auto& c = contact->entries[0];
  EXPECT_EQ(c.display_name, "Quoted string \"\"");
  EXPECT_EQ(sip::param_value(c.params, "newparam"), "newvalue");
  EXPECT_TRUE(sip::find_param(c.params, "secondparam"));
  EXPECT_EQ(sip::contact_q(c), 330);
  auto route = sip::parse_name_addr_list(msg.value_of("Route"));
  ASSERT_TRUE(route);
  ASSERT_EQ(route->size(), 1u);
  EXPECT_EQ((*route)[0].uri.params.size(),
            3u); // lr, unknownwith, unknown-no-value
  EXPECT_EQ(msg.body.size(), 150u);
}

// 3.1.1.2 Wide Range of Valid Characters: odd token chars in the method,
// escaped NUL/BEL/DEL in a quoted display name, UTF-8 values.
TEST(sip_rfc4475, intmeth) {
  auto msg = valid("3.1.1.2-intmeth.dat");
  EXPECT_EQ(msg.method, "!interesting-Method0123456789_*+`.%indeed'~");
  auto ruri = sip::parse_uri(msg.request_uri);
  ASSERT_TRUE(ruri);
  EXPECT_EQ(ruri->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(ruri->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(ruri->host, "example.com");
  auto to = sip::parse_name_addr(msg.value_of("To"));
  ASSERT_TRUE(to);
  EXPECT_EQ(to->display_name, std::string("BEL:\x07 NUL:\0 DEL:\x7F", 17));
  auto from = sip::parse_name_addr(msg.value_of("From"));
  ASSERT_TRUE(from);
  EXPECT_EQ(from->display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(from->tag(), "_token~1'+`*%!-.");
  auto p = sip::find_param(from->params, "fromParam''~+*_!.-%");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->quoted);
  EXPECT_EQ(p->value.size(), 20u); // 10 two-octet UTF-8 characters
  EXPECT_EQ(msg.value_of("Call-ID"),
            "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(sip::parse_cseq(msg.value_of("CSeq"))->method, msg.method);
  EXPECT_EQ(msg.count("extensionHeader-!.%*+_`'~"), 1u);
}

// 3.1.1.3 Valid Use of the % Escaping Mechanism: escaped and unescaped
// forms compare equal; no recursive unescaping.
TEST(sip_rfc4475, esc01) {
  auto msg = valid("3.1.1.3-esc01.dat");
  auto ruri = sip::parse_uri(msg.request_uri);
  ASSERT_TRUE(ruri);
  EXPECT_EQ(sip::unescape(ruri->user), "sips:user@example.com");
  EXPECT_EQ(ruri->host, "example.net");
  auto to = sip::parse_name_addr(msg.value_of("To"));
  EXPECT_EQ(sip::unescape(to->uri.user), "user");
  auto from = sip::parse_name_addr(msg.value_of("From"));
  EXPECT_EQ(sip::unescape(from->uri.user), "I have spaces");
  auto contact = sip::parse_contact(msg.value_of("m"));
  ASSERT_TRUE(contact);
  auto& uri = contact->entries.at(0).uri;
  EXPECT_EQ(sip::unescape(uri.user), "caller");
  ASSERT_EQ(uri.params.size(), 2u);
  EXPECT_EQ(sip::unescape(uri.params[0].name), "lr");
  EXPECT_EQ(sip::unescape(uri.params[1].name), "name");
  EXPECT_EQ(sip::unescape(uri.params[1].value), "value%41");
  EXPECT_EQ(msg.value_of("Content-Type"), "application/sdp"); // "C:"
}

// 3.1.1.4 Escaped Nulls in URIs: unescaping must not stop at NUL; two
// distinct contacts are registered.
TEST(sip_rfc4475, escnull) {
  auto msg = valid("3.1.1.4-escnull.dat");
  auto to = sip::parse_name_addr(msg.value_of("To"));
  EXPECT_EQ(sip::unescape(to->uri.user), std::string("null-\0-null", 11));
  auto values = msg.values("Contact");
  ASSERT_EQ(values.size(), 2u);
  auto c1 = sip::parse_name_addr(values[0]);
  auto c2 = sip::parse_name_addr(values[1]);
  EXPECT_EQ(sip::unescape(c1->uri.user), std::string(1, '\0'));
  EXPECT_EQ(sip::unescape(c2->uri.user), std::string(2, '\0'));
  EXPECT_TRUE(msg.body.empty());
}

// 3.1.1.5 Use of % When It Is Not an Escape: the method is not REGISTER,
// "%Z%45" is a literal display name and C%6Fntact is an unknown header.
TEST(sip_rfc4475, esc02) {
  auto msg = valid("3.1.1.5-esc02.dat");
  EXPECT_EQ(msg.method, "RE%47IST%45R");
  EXPECT_NE(msg.method, "REGISTER");
  auto to = sip::parse_name_addr(msg.value_of("To"));
  EXPECT_EQ(to->display_name, "%Z%45");
  EXPECT_EQ(msg.values("Contact").size(), 2u);
  EXPECT_EQ(msg.count("C%6Fntact"), 1u);
  auto vias = all_vias(msg);
  EXPECT_EQ(vias.at(0).branch(), "z9hG4bK209%fzsnel234");
}

// 3.1.1.6 Message with No LWS between Display Name and <.
TEST(sip_rfc4475, lwsdisp) {
  auto msg = valid("3.1.1.6-lwsdisp.dat");
  auto from = sip::parse_name_addr(msg.value_of("From"));
  ASSERT_TRUE(from);
  EXPECT_EQ(from->display_name, "caller");
  EXPECT_EQ(from->uri.user, "caller");
  EXPECT_EQ(from->tag(), "323");
}

// 3.1.1.7 Long Values in Header Fields.
TEST(sip_rfc4475, longreq) {
  auto msg = valid("3.1.1.7-longreq.dat");
  auto to = sip::parse_name_addr(msg.value_of("To"));
  ASSERT_TRUE(to);
  EXPECT_GT(to->display_name.size(), 100u);
  EXPECT_EQ(to->uri.port, 6000);
  auto from = sip::parse_name_addr(msg.value_of("F"));
  ASSERT_TRUE(from);
  EXPECT_GT(from->tag()->size(), 100u);
  EXPECT_GT(msg.value_of("Call-ID").size(), 100u);
  EXPECT_EQ(all_vias(msg).size(), 34u);
}

// 3.1.1.8 Extra Trailing Octets in a UDP Datagram: only the REGISTER is
// processed (RFC 3261 §18.3).
TEST(sip_rfc4475, dblreq) {
  auto msg = valid("3.1.1.8-dblreq.dat");
  EXPECT_EQ(msg.method, "REGISTER");
  EXPECT_TRUE(msg.body.empty());
  EXPECT_EQ(msg.count("Call-ID"), 1u);
  EXPECT_EQ(msg.count("Content-Type"), 0u);
}

// 3.1.1.9 Semicolon-Separated Parameters in URI User Part.
TEST(sip_rfc4475, semiuri) {
  auto msg = valid("3.1.1.9-semiuri.dat");
  auto ruri = sip::parse_uri(msg.request_uri);
  ASSERT_TRUE(ruri);
  EXPECT_EQ(ruri->user, "user;par=u%40example.net");
  EXPECT_EQ(ruri->host, "example.com");
  EXPECT_TRUE(ruri->params.empty());
  auto accept = sip::parse_accept(msg.value_of("Accept"));
  ASSERT_TRUE(accept);
  EXPECT_EQ(accept->size(), 6u);
}

// 3.1.1.10 Varied and Unknown Transport Types.
TEST(sip_rfc4475, transports) {
  auto msg = valid("3.1.1.10-transports.dat");
  auto vias = all_vias(msg);
  ASSERT_EQ(vias.size(), 5u);
  const char* expected[] = {"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"};
  for (size_t i = 0; i < 5; ++i)
    EXPECT_EQ(vias[i].transport, expected[i]);
}

// 3.1.1.11 Multipart MIME Message: framed strictly by Content-Length (553),
// the binary part keeps its NUL and bare LF.
TEST(sip_rfc4475, mpart01) {
  auto msg = valid("3.1.1.11-mpart01.dat");
  ASSERT_EQ(msg.body.size(), 553u);
  EXPECT_NE(msg.body.find('\0'), std::string::npos);
  auto lf = msg.body.find('\n');
  bool bare_lf = false;
  for (; lf != std::string::npos; lf = msg.body.find('\n', lf + 1))
    bare_lf |= lf == 0 || msg.body[lf - 1] != '\r';
  EXPECT_TRUE(bare_lf);
  auto type = sip::parse_content_type(msg.value_of("Content-Type"));
  ASSERT_TRUE(type);
  EXPECT_EQ(type->type, "multipart");
}

// 3.1.1.12 Unusual Reason Phrase (UTF-8).
TEST(sip_rfc4475, unreason) {
  auto msg = valid("3.1.1.12-unreason.dat");
  EXPECT_EQ(msg.status_code, 200);
  EXPECT_EQ(msg.reason.substr(0, 16), "= 2**3 * 5**2 \xD0\xBD");
  EXPECT_EQ(msg.body.size(), 154u);
}

// 3.1.1.13 Empty Reason Phrase.
TEST(sip_rfc4475, noreason) {
  auto msg = valid("3.1.1.13-noreason.dat");
  EXPECT_EQ(msg.status_code, 100);
  EXPECT_EQ(msg.reason, "");
}
