// appliance/sip/core/routing: Via stamping (RFC 3261 §18.2.1, RFC 3581),
// response routing (§18.2.2), loop check, stateless error answers.

#include <gtest/gtest.h>

#include "appliance/sip/core/routing.hpp"
#include "appliance/sip/parser.hpp"

using namespace ivm;
using namespace ivm::sip;

namespace {

message with_via(const std::string& via) {
  auto m = parse("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: " + via +
                 "\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\n"
                 "Call-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(m);
  return *m;
}

const net::endpoint src{"127.0.0.9", 40000};

TEST(stamp_via, adds_received_when_the_host_differs) {
  auto m = with_via("SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1");
  ASSERT_TRUE(core::stamp_via(m, src));
  EXPECT_EQ(m.value_of("Via"),
            "SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1"
            ";received=127.0.0.9");
}

TEST(stamp_via, fills_rport_rfc3581) {
  auto m = with_via("SIP/2.0/UDP 127.0.0.9:5060;rport;branch=z9hG4bK1");
  ASSERT_TRUE(core::stamp_via(m, src));
  EXPECT_EQ(m.value_of("Via"), "SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK1"
                               ";received=127.0.0.9;rport=40000");
}

TEST(stamp_via, leaves_a_matching_via_alone_and_only_touches_the_top) {
  auto m = with_via("SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK1, "
                    "SIP/2.0/UDP other.example;branch=z9hG4bK2");
  ASSERT_TRUE(core::stamp_via(m, src));
  EXPECT_EQ(m.value_of("Via"), "SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK1, "
                               "SIP/2.0/UDP other.example;branch=z9hG4bK2");
}

TEST(response_destination, symmetric_by_default) {
  auto m = with_via("SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK1");
  EXPECT_EQ(core::response_destination(m, src), src);
}

TEST(response_destination, rfc3261_18_2_2_when_asked) {
  auto m = with_via("SIP/2.0/UDP 127.0.0.7:5070;branch=z9hG4bK1");
  EXPECT_EQ(core::response_destination(m, src, false),
            (net::endpoint{"127.0.0.7", 5070}));
  auto r = with_via("SIP/2.0/UDP host.example;received=127.0.0.8;branch=z9h");
  EXPECT_EQ(core::response_destination(r, src, false),
            (net::endpoint{"127.0.0.8", 5060}));
  auto p = with_via("SIP/2.0/UDP 127.0.0.7:5070;rport;branch=z9hG4bK1");
  EXPECT_EQ(core::response_destination(p, src, false), src);
}

TEST(via_names, detects_our_own_address) {
  auto m = with_via("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1");
  EXPECT_TRUE(core::via_names(m, {{"UDP", {"127.0.0.1", 5060}}}));
  EXPECT_FALSE(core::via_names(m, {{"UDP", {"127.0.0.1", 5061}}}));
  auto t = with_via("SIP/2.0/tls 127.0.0.1;branch=z9hG4bK1");
  EXPECT_TRUE(core::via_names(t, {{"TLS", {"127.0.0.1", 5061}}}));
}

TEST(via_names, a_client_on_the_port_of_a_listener_of_another_transport) {
  // A UDP phone on this host whose port number is the box's TLS port (TCP
  // only) is not the box: its requests are no loop.
  auto m = with_via("SIP/2.0/UDP 127.0.0.1:5061;rport;branch=z9hG4bK1");
  EXPECT_FALSE(core::via_names(m, {{"TLS", {"127.0.0.1", 5061}}}));
  EXPECT_TRUE(core::via_names(m, {{"UDP", {"127.0.0.1", 5061}}}));
}

TEST(raw_error_response, copies_the_dialog_headers_and_adds_a_tag) {
  std::string raw = "INVITE <sip:x@y> SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9\r\n"
                    "f: <sip:a@b>;tag=1\r\nt: <sip:x@y>\r\ni: abc\r\n"
                    "CSeq: 5 INVITE\r\nX: y\r\n l: 0\r\n\r\n";
  parse_error err{400, "Bad Request-URI", true,
                  parse_errc::malformed_start_line};
  auto resp = core::raw_error_response(raw, err, "t1", "ivm");
  ASSERT_TRUE(resp);
  auto parsed = parse(*resp);
  ASSERT_TRUE(parsed) << *resp;
  EXPECT_EQ(parsed->status_code, 400);
  EXPECT_EQ(parsed->value_of("Via"), "SIP/2.0/UDP h;branch=z9");
  EXPECT_EQ(parsed->value_of("To"), "<sip:x@y>;tag=t1");
  EXPECT_EQ(parsed->value_of("Call-ID"), "abc");
  EXPECT_EQ(parsed->value_of("CSeq"), "5 INVITE");
  EXPECT_EQ(parsed->find("X"), nullptr);
}

TEST(raw_error_response, nothing_without_a_via) {
  parse_error err{400, "Bad Request", true, parse_errc::malformed_header};
  EXPECT_FALSE(
      core::raw_error_response("GARBAGE\r\nFrom: x\r\n\r\n", err, "t", "ivm"));
  EXPECT_FALSE(core::raw_error_response("no line end", err, "t", "ivm"));
}

} // namespace
