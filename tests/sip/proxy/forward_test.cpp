// appliance/sip/proxy/forward: RFC 3261 §16.4, §16.6, §16.7 step 3, §9.1.

#include <gtest/gtest.h>

#include "appliance/sip/parser.hpp"
#include "appliance/sip/proxy/forward.hpp"
#include "appliance/sip/serializer.hpp"

using namespace ivm::sip;
using namespace ivm::sip::proxy;

namespace {

proxy_identity me() {
  proxy_identity id;
  id.host = "192.0.2.1";
  id.port = 5060;
  id.aliases = {"box.example"};
  return id;
}

message req(const std::string& text) {
  auto m = parse(text);
  EXPECT_TRUE(m) << (m ? "" : m.error().reason);
  return *m;
}

const std::string invite_text =
    "INVITE sip:202@box.example SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-a\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:201@box.example>;tag=c1\r\n"
    "To: <sip:202@box.example>\r\n"
    "Call-ID: call-1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Contact: <sip:201@192.0.2.7:5070>\r\n"
    "Content-Length: 0\r\n\r\n";

} // namespace

// §16.6 steps 2, 3, 4 and 8 on an INVITE.
TEST(proxy_forward, invite_gets_target_record_route_and_via) {
  auto out = prepare_forward(req(invite_text), "sip:202@192.0.2.9:5062", me(),
                             "z9hG4bK-p1");
  ASSERT_TRUE(out);
  EXPECT_EQ(serialize(*out),
            "INVITE sip:202@192.0.2.9:5062 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-p1\r\n"
            "Record-Route: <sip:192.0.2.1:5060;lr>\r\n"
            "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-a\r\n"
            "Max-Forwards: 69\r\n"
            "From: <sip:201@box.example>;tag=c1\r\n"
            "To: <sip:202@box.example>\r\n"
            "Call-ID: call-1\r\n"
            "CSeq: 1 INVITE\r\n"
            "Contact: <sip:201@192.0.2.7:5070>\r\n"
            "Content-Length: 0\r\n\r\n");
}

// §16.6 step 4: only dialog-creating requests are record-routed; step 3:
// a missing Max-Forwards is set to 70.
TEST(proxy_forward, in_dialog_request_is_not_record_routed) {
  auto bye = req("BYE sip:202@192.0.2.9 SIP/2.0\r\n"
                 "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-b\r\n"
                 "From: <sip:201@box.example>;tag=c1\r\n"
                 "To: <sip:202@box.example>;tag=d1\r\n"
                 "Call-ID: call-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
  auto out = prepare_forward(bye, "", me(), "z9hG4bK-p2");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->request_uri, "sip:202@192.0.2.9");
  EXPECT_EQ(out->count("Record-Route"), 0u);
  EXPECT_EQ(out->value_of("Max-Forwards"), "70");
}

// §16.3 step 3: Max-Forwards 0 is the caller's 483.
TEST(proxy_forward, max_forwards_zero_is_483) {
  auto in = req(invite_text);
  in.replace("Max-Forwards", "0");
  auto out = prepare_forward(in, "sip:202@192.0.2.9", me(), "z9hG4bK-p");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, proxy_errc::too_many_hops);
  EXPECT_EQ(out.error().status, 483);
}

// §16.4: a top Route naming this proxy is removed (loose routing); the
// next Route stays.
TEST(proxy_forward, pops_our_loose_route) {
  auto in = req("BYE sip:202@192.0.2.9 SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-b\r\n"
                "Route: <sip:192.0.2.1;lr>, <sip:p2.example;lr>\r\n"
                "From: <sip:201@box.example>;tag=c1\r\n"
                "To: <sip:202@box.example>;tag=d1\r\n"
                "Call-ID: call-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
  auto out = prepare_forward(in, "", me(), "z9hG4bK-p3");
  ASSERT_TRUE(out);
  auto routes = out->values("Route");
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0], "<sip:p2.example;lr>");
  EXPECT_EQ(out->request_uri, "sip:202@192.0.2.9");
}

// §16.4: the previous hop was a strict router, so the Request-URI is our
// URI; it is replaced by the last Route value, which is removed.
TEST(proxy_forward, strict_router_request_uri_is_restored) {
  auto in = req("BYE sip:box.example SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-b\r\n"
                "Route: <sip:p2.example;lr>\r\n"
                "Route: <sip:202@192.0.2.9:5062>\r\n"
                "From: <sip:201@box.example>;tag=c1\r\n"
                "To: <sip:202@box.example>;tag=d1\r\n"
                "Call-ID: call-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
  auto pre = preprocess_route(in, me());
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->request_uri, "sip:202@192.0.2.9:5062");
  auto routes = pre->values("Route");
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0], "<sip:p2.example;lr>");
}

TEST(proxy_forward, identity_matches_host_alias_and_port) {
  auto id = me();
  EXPECT_TRUE(id.is_me(*parse_uri("sip:192.0.2.1")));
  EXPECT_TRUE(id.is_me(*parse_uri("sip:BOX.example:5060;lr")));
  EXPECT_FALSE(id.is_me(*parse_uri("sip:192.0.2.1:5070")));
  EXPECT_FALSE(id.is_me(*parse_uri("sip:other.example")));
  EXPECT_EQ(id.record_route(), "<sip:192.0.2.1:5060;lr>");
}

// §16.7 step 3: our Via is removed; others' responses are refused.
TEST(proxy_forward, process_response_pops_our_via) {
  auto resp = req("SIP/2.0 180 Ringing\r\n"
                  "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-p1, "
                  "SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-a\r\n"
                  "From: <sip:201@box.example>;tag=c1\r\n"
                  "To: <sip:202@box.example>;tag=d1\r\n"
                  "Call-ID: call-1\r\nCSeq: 1 INVITE\r\n"
                  "Content-Length: 0\r\n\r\n");
  auto out = process_response(resp, me());
  ASSERT_TRUE(out);
  auto vias = out->values("Via");
  ASSERT_EQ(vias.size(), 1u);
  EXPECT_EQ(vias[0], "SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-a");
  // Now the top Via is the client's: not ours.
  auto again = process_response(*out, me());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, proxy_errc::not_ours);
}

TEST(proxy_forward, response_without_further_via_is_for_us) {
  auto resp = req("SIP/2.0 200 OK\r\n"
                  "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-x\r\n"
                  "From: <sip:box.example>;tag=n\r\nTo: <sip:a@b>;tag=m\r\n"
                  "Call-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
  auto out = process_response(resp, me());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, proxy_errc::for_us);
}

// §9.1: CANCEL copies Request-URI, Call-ID, From, To, CSeq number, the top
// Via and the Route headers.
TEST(proxy_forward, cancel_of_a_forwarded_invite) {
  auto in = req(invite_text);
  in.add("Route", "<sip:p2.example;lr>");
  auto fwd = prepare_forward(in, "sip:202@192.0.2.9:5062", me(), "z9hG4bK-p1");
  ASSERT_TRUE(fwd);
  fwd->body = "v=0";
  EXPECT_EQ(serialize(make_cancel(*fwd)),
            "CANCEL sip:202@192.0.2.9:5062 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-p1\r\n"
            "Route: <sip:p2.example;lr>\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:201@box.example>;tag=c1\r\n"
            "To: <sip:202@box.example>\r\n"
            "Call-ID: call-1\r\n"
            "CSeq: 1 CANCEL\r\n"
            "Content-Length: 0\r\n\r\n");
}

// §16.4: an address-of-record at our domain is a target, not our
// Record-Route URI: the Route set stays as it is.
TEST(proxy_forward, aor_at_our_domain_is_not_a_strict_route) {
  auto in = req(invite_text);
  in.add("Route", "<sip:p2.example;lr>");
  auto pre = preprocess_route(in, me());
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->request_uri, "sip:202@box.example");
  EXPECT_EQ(pre->count("Route"), 1u);
}

// RFC 5658: a request changing transport gets two Record-Route values, the
// callee-facing one on top; each carries its transport.
TEST(proxy_forward, transport_change_double_record_routes) {
  auto out_id = me();
  out_id.transport = "TCP";
  auto in_id = me();
  auto out =
      prepare_forward(req(invite_text), "", out_id, "z9hG4bK-p3", &in_id);
  ASSERT_TRUE(out);
  auto rr = out->values("Record-Route");
  ASSERT_EQ(rr.size(), 2u);
  EXPECT_EQ(rr[0], "<sip:192.0.2.1:5060;transport=tcp;lr>");
  EXPECT_EQ(rr[1], "<sip:192.0.2.1:5060;lr>");
  auto same =
      prepare_forward(req(invite_text), "", in_id, "z9hG4bK-p4", &in_id);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->values("Record-Route").size(), 1u);
}

// RFC 3261 §17.1.1.3: the ACK of a failure response.
TEST(proxy_forward, ack_for_failure_response) {
  auto fwd = prepare_forward(req(invite_text), "sip:202@192.0.2.9:5062", me(),
                             "z9hG4bK-p5");
  ASSERT_TRUE(fwd);
  auto busy = req("SIP/2.0 486 Busy Here\r\n"
                  "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-p5\r\n"
                  "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-a\r\n"
                  "From: <sip:201@box.example>;tag=c1\r\n"
                  "To: <sip:202@box.example>;tag=busy1\r\n"
                  "Call-ID: call-1\r\nCSeq: 1 INVITE\r\n"
                  "Content-Length: 0\r\n\r\n");
  auto ack = make_ack(*fwd, busy);
  EXPECT_EQ(serialize(ack),
            "ACK sip:202@192.0.2.9:5062 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-p5\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:201@box.example>;tag=c1\r\n"
            "To: <sip:202@box.example>;tag=busy1\r\n"
            "Call-ID: call-1\r\n"
            "CSeq: 1 ACK\r\n"
            "Content-Length: 0\r\n\r\n");
}
