// appliance/sip/proxy/response_context: RFC 3261 §16.7 steps 5-7, 10.

#include <gtest/gtest.h>

#include "appliance/sip/parser.hpp"
#include "appliance/sip/proxy/response_context.hpp"

using namespace ivm::sip;
using namespace ivm::sip::proxy;

namespace {

message invite() {
  auto m = parse("INVITE sip:202@box.example SIP/2.0\r\n"
                 "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-a\r\n"
                 "From: <sip:201@box.example>;tag=c1\r\n"
                 "To: <sip:202@box.example>\r\n"
                 "Call-ID: call-1\r\nCSeq: 1 INVITE\r\n"
                 "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(m);
  return *m;
}

message resp(int code, const std::string& extra = "") {
  auto m =
      parse("SIP/2.0 " + std::to_string(code) +
            " X\r\n"
            "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-a\r\n"
            "From: <sip:201@box.example>;tag=c1\r\n"
            "To: <sip:202@box.example>;tag=d" +
            std::to_string(code) + "\r\nCall-ID: call-1\r\nCSeq: 1 INVITE\r\n" +
            extra + "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(m);
  return *m;
}

} // namespace

// §16.7 step 5: 100 is absorbed, other provisionals go upstream.
TEST(response_context, provisionals) {
  response_context ctx{invite()};
  auto b = ctx.add_branch();
  EXPECT_FALSE(ctx.on_response(b, resp(100)).forward);
  auto a = ctx.on_response(b, resp(180));
  ASSERT_TRUE(a.forward);
  EXPECT_EQ(a.forward->status_code, 180);
}

// §16.7 step 5 and step 10: the first 2xx goes at once and the other
// branches are cancelled; a later 2xx is forwarded too; later non-2xx
// finals are absorbed.
TEST(response_context, first_2xx_forwarded_and_others_cancelled) {
  response_context ctx{invite()};
  auto b0 = ctx.add_branch();
  auto b1 = ctx.add_branch();
  auto b2 = ctx.add_branch();
  auto a = ctx.on_response(b1, resp(200));
  ASSERT_TRUE(a.forward);
  EXPECT_EQ(a.forward->status_code, 200);
  EXPECT_TRUE(a.cancel_pending);
  EXPECT_EQ(ctx.pending_branches(), (std::vector<size_t>{b0, b2}));
  EXPECT_TRUE(ctx.final_sent());
  EXPECT_FALSE(ctx.on_response(b0, resp(180)).forward);
  a = ctx.on_response(b2, resp(202));
  ASSERT_TRUE(a.forward);
  EXPECT_FALSE(a.cancel_pending);
  EXPECT_FALSE(ctx.on_response(b0, resp(487)).forward);
  EXPECT_TRUE(ctx.complete());
}

// §16.7 step 6: without 2xx, the best final once every branch is done.
TEST(response_context, best_final_after_all_branches) {
  response_context ctx{invite()};
  auto b0 = ctx.add_branch();
  auto b1 = ctx.add_branch();
  EXPECT_FALSE(ctx.on_response(b0, resp(486)).forward);
  auto a = ctx.on_response(b1, resp(302, "Contact: <sip:x@192.0.2.3>\r\n"));
  ASSERT_TRUE(a.forward);
  EXPECT_EQ(a.forward->status_code, 302); // lowest class wins
}

// §16.7 step 5: a 6xx is not forwarded at once but cancels the others;
// step 6: it wins over everything.
TEST(response_context, six_hundred_cancels_and_wins) {
  response_context ctx{invite()};
  auto b0 = ctx.add_branch();
  auto b1 = ctx.add_branch();
  auto a = ctx.on_response(b0, resp(603));
  EXPECT_FALSE(a.forward);
  EXPECT_TRUE(a.cancel_pending);
  a = ctx.on_response(b1, resp(487));
  ASSERT_TRUE(a.forward);
  EXPECT_EQ(a.forward->status_code, 603);
}

// §16.7 step 6: in 4xx prefer responses that let the client retry; a
// timed-out branch counts as 408.
TEST(response_context, prefers_retry_information_and_timeouts_are_408) {
  response_context ctx{invite()};
  auto b0 = ctx.add_branch();
  auto b1 = ctx.add_branch();
  EXPECT_FALSE(ctx.on_failure(b0).forward);
  auto a = ctx.on_response(b1, resp(415, "Accept: application/sdp\r\n"));
  ASSERT_TRUE(a.forward);
  EXPECT_EQ(a.forward->status_code, 415);
  response_context only_timeouts{invite()};
  auto c = only_timeouts.add_branch();
  a = only_timeouts.on_failure(c);
  ASSERT_TRUE(a.forward);
  EXPECT_EQ(a.forward->status_code, 408);
  EXPECT_EQ(a.forward->value_of("Call-ID"), "call-1");
}

// §16.7 step 7: every challenge of every branch goes into the 401/407.
TEST(response_context, merges_challenges) {
  response_context ctx{invite()};
  auto b0 = ctx.add_branch();
  auto b1 = ctx.add_branch();
  ctx.on_response(b0, resp(401, "WWW-Authenticate: Digest realm=\"a\"\r\n"));
  auto a = ctx.on_response(
      b1, resp(407, "Proxy-Authenticate: Digest realm=\"b\"\r\n"));
  ASSERT_TRUE(a.forward);
  EXPECT_EQ(a.forward->status_code, 401);
  EXPECT_EQ(a.forward->count("WWW-Authenticate"), 1u);
  EXPECT_EQ(a.forward->value_of("Proxy-Authenticate"), "Digest realm=\"b\"");
}

// §16.7 step 6: a 503 is turned into 500.
TEST(response_context, only_503_becomes_500) {
  response_context ctx{invite()};
  auto b = ctx.add_branch();
  auto a = ctx.on_response(b, resp(503));
  ASSERT_TRUE(a.forward);
  EXPECT_EQ(a.forward->status_code, 500);
}
