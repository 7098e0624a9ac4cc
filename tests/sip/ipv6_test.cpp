// RFC 5118: IPv6 torture messages (CRLF wire forms).

#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "appliance/sip/name_addr.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/uri.hpp"
#include "appliance/sip/validate.hpp"
#include "appliance/sip/via.hpp"

namespace sip = ivm::sip;

namespace {

std::string load(const std::string& name) {
  std::ifstream in{std::string{IVM_SOURCE_DIR} +
                       "/tests/vectors/sip/torture-ipv6/" + name,
                   std::ios::binary};
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>{in}, {}};
}

sip::message valid(const std::string& name) {
  auto msg = sip::parse(load(name));
  EXPECT_TRUE(msg.has_value()) << name << ": " << msg.error().reason;
  if (!msg)
    return {};
  auto err = sip::validate_request(*msg);
  EXPECT_FALSE(err.has_value()) << name << ": " << err->reason;
  return std::move(*msg);
}

sip::via top_via(const sip::message& msg, size_t index = 0) {
  auto values = msg.values("Via");
  auto vias = sip::parse_via(values.at(index));
  EXPECT_TRUE(vias);
  return vias ? vias->at(0) : sip::via{};
}

} // namespace

// 4.1 Valid SIP Message with an IPv6 Reference.
TEST(sip_rfc5118, ipv6_good) {
  auto msg = valid("4.1-ipv6-good.dat");
  auto ruri = sip::parse_uri(msg.request_uri);
  ASSERT_TRUE(ruri);
  EXPECT_EQ(ruri->host, "[2001:db8::10]");
  EXPECT_TRUE(ruri->is_ipv6());
  EXPECT_FALSE(ruri->port);
  EXPECT_EQ(top_via(msg).host, "[2001:db8::9:1]");
  auto contact = sip::parse_contact(msg.value_of("Contact"));
  EXPECT_EQ(contact->entries.at(0).uri.host, "[2001:db8::1]");
}

// 4.2 Invalid SIP Message with an IPv6 Reference: no brackets -> 400.
TEST(sip_rfc5118, ipv6_bad) {
  auto msg = sip::parse(load("4.2-ipv6-bad.dat"));
  ASSERT_TRUE(msg);
  auto err = sip::validate_request(*msg);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->status, 400);
}

// 4.3 Port Ambiguous in a SIP URI: the whole bracket is the address.
TEST(sip_rfc5118, port_ambiguous) {
  auto msg = valid("4.3-port-ambiguous.dat");
  auto ruri = sip::parse_uri(msg.request_uri);
  ASSERT_TRUE(ruri);
  EXPECT_EQ(ruri->host, "[2001:db8::10:5070]");
  EXPECT_FALSE(ruri->port);
}

// 4.4 Port Unambiguous in a SIP URI.
TEST(sip_rfc5118, port_unambiguous) {
  auto msg = valid("4.4-port-unambiguous.dat");
  auto ruri = sip::parse_uri(msg.request_uri);
  ASSERT_TRUE(ruri);
  EXPECT_EQ(ruri->host, "[2001:db8::10]");
  EXPECT_EQ(ruri->port, 5070);
}

// 4.5 IPv6 Reference Delimiters in Via Header: both forms accepted.
TEST(sip_rfc5118, via_received) {
  auto with = valid("4.5-via-received-param-with-delim.dat");
  EXPECT_EQ(top_via(with).received(), "[2001:db8::9:255]");
  auto without = valid("4.5-via-received-param-no-delim.dat");
  EXPECT_EQ(top_via(without).received(), "2001:db8::9:255");
  EXPECT_EQ(top_via(without).branch(), "z9hG4bKas3");
}

// 4.6 SIP Request with IPv6 Addresses in SDP Body.
TEST(sip_rfc5118, ipv6_in_sdp) {
  auto msg = valid("4.6-ipv6-in-sdp.dat");
  EXPECT_EQ(msg.body.size(), 251u);
  EXPECT_NE(msg.body.find("IN IP6 2001:db8::20"), std::string::npos);
}

// 4.7 Multiple IP Addresses in SIP Headers.
TEST(sip_rfc5118, mult_ip_in_header) {
  auto msg = valid("4.7-mult-ip-in-header.dat");
  auto v0 = top_via(msg, 0);
  EXPECT_EQ(v0.host, "[2001:db8::9:1]");
  EXPECT_EQ(v0.port, 6050);
  EXPECT_EQ(top_via(msg, 1).host, "192.0.2.1");
  auto v2 = top_via(msg, 2);
  EXPECT_EQ(v2.host, "[2001:db8::9:255]");
  EXPECT_EQ(v2.received(), "192.0.2.200");
}

// 4.8 Multiple IP Addresses in SDP.
TEST(sip_rfc5118, mult_ip_in_sdp) {
  auto msg = valid("4.8-mult-ip-in-sdp.dat");
  EXPECT_EQ(msg.body.size(), 189u);
}

// 4.9 IPv4-Mapped IPv6 Addresses.
TEST(sip_rfc5118, ipv4_mapped) {
  auto msg = valid("4.9-ipv4-mapped-ipv6.dat");
  auto v0 = top_via(msg);
  EXPECT_EQ(v0.host, "[::ffff:192.0.2.10]");
  EXPECT_EQ(v0.port, 19823);
  auto contact = sip::parse_contact(msg.value_of("Contact"));
  EXPECT_EQ(contact->entries.at(0).uri.host, "[::ffff:192.0.2.2]");
}

// 4.10 IPv6 Reference Bug in RFC 3261 ABNF: the two-colon form is valid;
// the three-colon form is not an IPv6 address (RFC 5954) and is rejected.
TEST(sip_rfc5118, abnf_bug) {
  valid("4.10-ipv6-correct-abnf-2-colons.dat");
  auto msg = sip::parse(load("4.10-ipv6-bug-abnf-3-colons.dat"));
  ASSERT_TRUE(msg);
  auto err = sip::validate_request(*msg);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->status, 400);
}
