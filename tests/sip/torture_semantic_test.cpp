// RFC 4475 §3.2, §3.3 and §3.4: syntactically valid messages whose handling
// is decided above the parser. Each test quotes the section.

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

// 3.2.1 Missing Transaction Identifier: a bare "z9hG4bK" branch is not an
// RFC 3261 branch; matching falls back to RFC 2543 rules.
TEST(sip_rfc4475, badbranch) {
  auto msg = valid("3.2.1-badbranch.dat");
  auto vias = all_vias(msg);
  EXPECT_EQ(vias.at(0).branch(), "z9hG4bK");
  EXPECT_FALSE(vias.at(0).rfc3261_branch());
  EXPECT_EQ(sip::server_transaction_key(msg).substr(0, 5), "2543|");
}

// 3.3.2 Request-URI with Unknown Scheme: syntactically valid (the element
// answers 416).
TEST(sip_rfc4475, unkscm) {
  auto msg = valid("3.3.2-unkscm.dat");
  auto ruri = sip::parse_uri(msg.request_uri);
  ASSERT_TRUE(ruri);
  EXPECT_EQ(ruri->scheme, "nobodyknowsthisscheme");
  EXPECT_FALSE(ruri->is_sip());
  EXPECT_EQ(ruri->opaque, "totallyopaquecontent");
}

// 3.3.3 Request-URI with Known but Atypical Scheme.
TEST(sip_rfc4475, novelsc) {
  auto msg = valid("3.3.3-novelsc.dat");
  auto ruri = sip::parse_uri(msg.request_uri);
  ASSERT_TRUE(ruri);
  EXPECT_EQ(ruri->scheme, "soap.beep");
  EXPECT_EQ(ruri->opaque, "//192.0.2.103:3002");
}

// 3.3.4 Unknown URI Schemes in Header Fields: parses (a registrar then
// rejects the non-SIP AOR with 400).
TEST(sip_rfc4475, unksm2) {
  auto msg = valid("3.3.4-unksm2.dat");
  EXPECT_EQ(sip::parse_name_addr(msg.value_of("To"))->uri.scheme, "isbn");
  EXPECT_EQ(sip::parse_name_addr(msg.value_of("From"))->uri.scheme, "http");
  auto contact = sip::parse_contact(msg.value_of("Contact"));
  EXPECT_EQ(contact->entries.at(0).uri.scheme, "name");
  EXPECT_EQ(contact->entries.at(0).uri.opaque, "John_Smith");
}

// 3.3.5 Proxy-Require and Require: unknown option tags (420 upstream).
TEST(sip_rfc4475, bext01) {
  auto msg = valid("3.3.5-bext01.dat");
  auto require = sip::parse_token_list(msg.value_of("Require"));
  ASSERT_TRUE(require);
  EXPECT_EQ(*require, (std::vector<std::string>{"nothingSupportsThis",
                                                "nothingSupportsThisEither"}));
  auto proxy = sip::parse_token_list(msg.value_of("Proxy-Require"));
  ASSERT_TRUE(proxy);
  EXPECT_EQ(proxy->size(), 2u);
}

// 3.3.6 Unknown Content-Type (the endpoint answers 415).
TEST(sip_rfc4475, invut) {
  auto msg = valid("3.3.6-invut.dat");
  auto type = sip::parse_content_type(msg.value_of("Content-Type"));
  ASSERT_TRUE(type);
  EXPECT_EQ(type->type, "application");
  EXPECT_EQ(type->subtype, "unknownformat");
  EXPECT_EQ(msg.body.size(), 40u);
}

// 3.3.7 Unknown Authorization Scheme: scheme plus opaque parameters.
TEST(sip_rfc4475, regaut01) {
  auto msg = valid("3.3.7-regaut01.dat");
  auto auth = sip::parse_auth(msg.value_of("Authorization"));
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->scheme, "NoOneKnowsThisScheme");
  EXPECT_EQ(auth->raw_params, "opaque-data=here");
}

// 3.3.10 200 OK Response with Broadcast Via Header Field Value.
TEST(sip_rfc4475, bcast) {
  auto msg = valid("3.3.10-bcast.dat");
  auto vias = all_vias(msg);
  ASSERT_EQ(vias.size(), 2u);
  EXPECT_EQ(vias[1].host, "255.255.255.255");
}

// 3.3.11 Max-Forwards of Zero: valid; an endpoint processes it.
TEST(sip_rfc4475, zeromf) {
  auto msg = valid("3.3.11-zeromf.dat");
  EXPECT_EQ(*sip::parse_max_forwards(msg.value_of("Max-Forwards")), 0);
}

// 3.3.12 REGISTER with a Contact Header Parameter: without <>,
// "unknownparam" is a contact parameter, not a URI parameter.
TEST(sip_rfc4475, cparam01) {
  auto msg = valid("3.3.12-cparam01.dat");
  auto contact = sip::parse_contact(msg.value_of("Contact"));
  ASSERT_TRUE(contact);
  auto& c = contact->entries.at(0);
  EXPECT_TRUE(c.uri.params.empty());
  EXPECT_TRUE(sip::find_param(c.params, "unknownparam"));
  EXPECT_EQ(c.uri_text, "sip:+19725552222@gw1.example.net");
}

// 3.3.13 REGISTER with a url-parameter: inside <>, "unknownparam" is a URI
// parameter.
TEST(sip_rfc4475, cparam02) {
  auto msg = valid("3.3.13-cparam02.dat");
  auto contact = sip::parse_contact(msg.value_of("Contact"));
  ASSERT_TRUE(contact);
  auto& c = contact->entries.at(0);
  ASSERT_EQ(c.uri.params.size(), 1u);
  EXPECT_EQ(c.uri.params[0].name, "unknownparam");
  EXPECT_TRUE(c.params.empty());
}

// 3.3.14 REGISTER with a URL Escaped Header: kept in the binding's URI.
TEST(sip_rfc4475, regescrt) {
  auto msg = valid("3.3.14-regescrt.dat");
  auto contact = sip::parse_contact(msg.value_of("Contact")); // "M:"
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->entries.at(0).uri.headers,
            "Route=%3Csip:sip.example.com%3E");
}

// 3.3.15 Unacceptable Accept Offering (406 upstream).
TEST(sip_rfc4475, sdp01) {
  auto msg = valid("3.3.15-sdp01.dat");
  auto accept = sip::parse_accept(msg.value_of("Accept"));
  ASSERT_TRUE(accept);
  ASSERT_EQ(accept->size(), 1u);
  EXPECT_EQ((*accept)[0].subtype, "nobodyknowsthis");
}

// 3.4.1 INVITE with RFC 2543 Syntax: no branch cookie, no Max-Forwards, no
// Content-Length (UDP: the body is the rest of the datagram).
TEST(sip_rfc4475, inv2543) {
  auto msg = valid("3.4.1-inv2543.dat");
  EXPECT_EQ(msg.count("Max-Forwards"), 0u);
  EXPECT_EQ(msg.count("Content-Length"), 0u);
  EXPECT_EQ(msg.body.substr(0, 5), "v=0\r\n");
  EXPECT_EQ(sip::server_transaction_key(msg).substr(0, 5), "2543|");
  sip::parse_options tcp;
  tcp.stream = true;
  EXPECT_FALSE(sip::parse(load("3.4.1-inv2543.dat"), tcp));
}
