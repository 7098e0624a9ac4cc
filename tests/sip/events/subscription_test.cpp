// appliance/sip/events/subscription: the notifier side of RFC 6665.

#include <gtest/gtest.h>

#include "appliance/sip/events/subscription.hpp"
#include "appliance/sip/header_values.hpp"
#include "appliance/sip/parser.hpp"
#include "appliance/sip/serializer.hpp"

using namespace ivm::sip;
using namespace ivm::sip::events;

namespace {

constexpr std::uint64_t t0 = 1'000'000;

message sub_req(const std::string& extra, int cseq = 1,
                const std::string& to_tag = "",
                const std::string& event = "Event: presence\r\n") {
  auto m = parse("SUBSCRIBE sip:201@box.example SIP/2.0\r\n"
                 "Via: SIP/2.0/UDP 192.0.2.7:5070;branch=z9hG4bK-s" +
                 std::to_string(cseq) +
                 "\r\n"
                 "From: \"Bob\" <sip:202@box.example>;tag=sub1\r\n"
                 "To: <sip:201@box.example>" +
                 (to_tag.empty() ? "" : ";tag=" + to_tag) +
                 "\r\nCall-ID: s-1@192.0.2.7\r\n"
                 "CSeq: " +
                 std::to_string(cseq) +
                 " SUBSCRIBE\r\n"
                 "Contact: <sip:202@192.0.2.7:5070>\r\n" +
                 event + extra + "Content-Length: 0\r\n\r\n");
  EXPECT_TRUE(m) << (m ? "" : m.error().reason);
  return *m;
}

notifier_context ctx() {
  notifier_context c;
  c.contact = "<sip:192.0.2.1:5060>";
  return c;
}

subscription_data start(bool authorized = true, const std::string& extra = "") {
  auto r = create_subscription(sub_req(extra), ctx(), "nt1", authorized, t0);
  EXPECT_TRUE(r);
  return r->data;
}

sub_event subscribe_event(const message& m) {
  sub_event ev;
  ev.input = sub_input::subscribe;
  ev.request = &m;
  return ev;
}

sub_event input(sub_input in, int status = 0) {
  sub_event ev;
  ev.input = in;
  ev.status = status;
  return ev;
}

} // namespace

// RFC 6665 §4.2.1.1: 200 with Expires; To tag is the dialog's local tag.
TEST(subscription, creates_active_with_200_expires_contact_and_notify) {
  auto r =
      create_subscription(sub_req("Expires: 600\r\n"), ctx(), "nt1", true, t0);
  ASSERT_TRUE(r);
  auto& fx = r->effects;
  ASSERT_TRUE(fx.response);
  EXPECT_EQ(fx.response->status_code, 200);
  EXPECT_EQ(fx.response->value_of("To"), "<sip:201@box.example>;tag=nt1");
  EXPECT_EQ(fx.response->value_of("Expires"), "600");
  EXPECT_EQ(fx.response->value_of("Contact"), "<sip:192.0.2.1:5060>");
  EXPECT_TRUE(fx.notify); // §4.2.1.2: NOTIFY immediately
  EXPECT_EQ(fx.timer_at, t0 + 600);
  EXPECT_EQ(r->data.state, sub_state::active);
  EXPECT_EQ(r->data.remote_tag, "sub1");
  EXPECT_EQ(r->data.remote_target, "sip:202@192.0.2.7:5070");
}

TEST(subscription, default_and_clamped_expiry_per_package) {
  auto r = create_subscription(sub_req(""), ctx(), "a", true, t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->data.expires_at, t0 + 3600);
  r = create_subscription(sub_req("Expires: 99999\r\n"), ctx(), "a", true, t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->data.expires_at, t0 + 7200);
  EXPECT_EQ(r->effects.response->value_of("Expires"), "7200");
  for (auto pkg : {"dialog", "presence.winfo", "message-summary"}) {
    r = create_subscription(
        sub_req("", 1, "", std::string{"Event: "} + pkg + "\r\n"), ctx(), "a",
        true, t0);
    ASSERT_TRUE(r) << pkg;
    EXPECT_EQ(r->data.expires_at, t0 + 3600) << pkg;
  }
}

// RFC 6665 §4.2.1.1: too brief -> 423 with Min-Expires.
TEST(subscription, too_brief_is_423_with_min_expires) {
  auto r = create_subscription(sub_req("Expires: 5\r\n"), ctx(), "a", true, t0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status_code, 423);
  EXPECT_EQ(r.error().value_of("Min-Expires"), "60");
}

// RFC 6665 §8.3.2 / §4.2.1.1: unknown package -> 489 with Allow-Events.
TEST(subscription, unknown_package_is_489_with_allow_events) {
  auto r = create_subscription(sub_req("", 1, "", "Event: weather\r\n"), ctx(),
                               "a", true, t0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status_code, 489);
  EXPECT_EQ(r.error().value_of("Allow-Events"),
            "presence, dialog, presence.winfo, message-summary");
}

TEST(subscription, missing_event_is_400) {
  auto r = create_subscription(sub_req("", 1, "", ""), ctx(), "a", true, t0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().status_code, 400);
}

TEST(subscription, pending_answers_200_or_legacy_202) {
  auto r = create_subscription(sub_req(""), ctx(), "a", false, t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->effects.response->status_code, 200);
  EXPECT_EQ(r->data.state, sub_state::pending);
  auto c = ctx();
  c.legacy_202 = true;
  r = create_subscription(sub_req(""), c, "a", false, t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->effects.response->status_code, 202);
}

// RFC 6665 §4.2.2, RFC 3261 §12.2.1.1: the NOTIFY inside the dialog.
TEST(subscription, notify_headers_and_cseq_increment) {
  auto s = start(true, "Expires: 600\r\n");
  auto n = make_notify(s, t0 + 100, ctx(), "application/pidf+xml", "<p/>");
  EXPECT_EQ(serialize(n), "NOTIFY sip:202@192.0.2.7:5070 SIP/2.0\r\n"
                          "Max-Forwards: 70\r\n"
                          "From: <sip:201@box.example>;tag=nt1\r\n"
                          "To: \"Bob\" <sip:202@box.example>;tag=sub1\r\n"
                          "Call-ID: s-1@192.0.2.7\r\n"
                          "CSeq: 1 NOTIFY\r\n"
                          "Event: presence\r\n"
                          "Subscription-State: active;expires=500\r\n"
                          "Contact: <sip:192.0.2.1:5060>\r\n"
                          "Content-Type: application/pidf+xml\r\n"
                          "Content-Length: 4\r\n\r\n<p/>");
  n = make_notify(s, t0 + 200, ctx());
  EXPECT_EQ(n.value_of("CSeq"), "2 NOTIFY");
  EXPECT_EQ(n.find("Content-Type"), nullptr);
  EXPECT_EQ(s.local_cseq, 2u);
}

TEST(subscription, event_id_is_echoed) {
  auto r = create_subscription(sub_req("", 1, "", "Event: presence;id=7\r\n"),
                               ctx(), "a", true, t0);
  ASSERT_TRUE(r);
  auto n = make_notify(r->data, t0, ctx());
  EXPECT_EQ(n.value_of("Event"), "presence;id=7");
}

// RFC 3261 §12.1.1: the UAS takes the Record-Route URIs in order; with a
// loose first hop they become Route headers and the Request-URI stays the
// remote target (§12.2.1.1).
TEST(subscription, loose_route_set_from_record_route_in_order) {
  auto s =
      start(true, "Record-Route: <sip:p1.example;lr>, <sip:p2.example;lr>\r\n");
  ASSERT_EQ(s.route_set.size(), 2u);
  auto n = make_notify(s, t0, ctx());
  EXPECT_EQ(n.request_uri, "sip:202@192.0.2.7:5070");
  auto routes = n.values("Route");
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0], "<sip:p1.example;lr>");
  EXPECT_EQ(routes[1], "<sip:p2.example;lr>");
}

// RFC 3261 §12.2.1.1: a strict first hop becomes the Request-URI and the
// remote target is appended to the Route set.
TEST(subscription, strict_route_set) {
  auto s = start(true, "Record-Route: <sip:p1.example>\r\n"
                       "Record-Route: <sip:p2.example;lr>\r\n");
  auto n = make_notify(s, t0, ctx());
  EXPECT_EQ(n.request_uri, "sip:p1.example");
  auto routes = n.values("Route");
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0], "<sip:p2.example;lr>");
  EXPECT_EQ(routes[1], "<sip:202@192.0.2.7:5070>");
}

// RFC 6665 §4.2.1.2: a refresh moves the expiry and sends a NOTIFY.
TEST(subscription, refresh_extends_expiry) {
  auto s = start(true, "Expires: 600\r\n");
  auto refresh =
      sub_req("Expires: 1200\r\nContact: <sip:202@192.0.2.9>\r\n", 2, "nt1");
  auto fx = step(s, subscribe_event(refresh), t0 + 500, ctx());
  ASSERT_TRUE(fx.response);
  EXPECT_EQ(fx.response->status_code, 200);
  EXPECT_EQ(fx.response->value_of("Expires"), "1200");
  EXPECT_TRUE(fx.notify);
  EXPECT_EQ(fx.timer_at, t0 + 1700);
  EXPECT_EQ(s.expires_at, t0 + 1700);
  EXPECT_EQ(s.remote_cseq, 2u);
  EXPECT_TRUE(matches_dialog(s, refresh));
}

TEST(subscription, refresh_with_old_cseq_is_500_and_too_brief_423) {
  auto s = start();
  auto fx = step(s, subscribe_event(sub_req("", 1, "nt1")), t0, ctx());
  EXPECT_EQ(fx.response->status_code, 500);
  fx = step(s, subscribe_event(sub_req("Expires: 1\r\n", 2, "nt1")), t0, ctx());
  EXPECT_EQ(fx.response->status_code, 423);
  EXPECT_EQ(fx.response->value_of("Min-Expires"), "60");
  EXPECT_EQ(s.state, sub_state::active);
}

// RFC 6665 §4.2.1.4: Expires: 0 ends the subscription with a final NOTIFY.
TEST(subscription, unsubscribe_sends_terminated_timeout) {
  auto s = start();
  auto fx = step(s, subscribe_event(sub_req("Expires: 0\r\n", 2, "nt1")),
                 t0 + 10, ctx());
  EXPECT_EQ(fx.response->status_code, 200);
  EXPECT_EQ(fx.response->value_of("Expires"), "0");
  EXPECT_TRUE(fx.notify);
  EXPECT_TRUE(fx.drop);
  auto n = make_notify(s, t0 + 10, ctx());
  EXPECT_EQ(n.value_of("Subscription-State"), "terminated;reason=timeout");
  // A late SUBSCRIBE finds no subscription (RFC 6665 §4.2.1.2).
  fx = step(s, subscribe_event(sub_req("", 3, "nt1")), t0 + 11, ctx());
  EXPECT_EQ(fx.response->status_code, 481);
}

TEST(subscription, expiry_timer_fires_final_notify) {
  auto s = start(true, "Expires: 600\r\n");
  auto fx = step(s, input(sub_input::timer), t0 + 599, ctx());
  EXPECT_FALSE(fx.notify);
  EXPECT_EQ(fx.timer_at, t0 + 600); // re-armed, not yet due
  fx = step(s, input(sub_input::timer), t0 + 600, ctx());
  EXPECT_TRUE(fx.notify);
  EXPECT_TRUE(fx.drop);
  EXPECT_EQ(s.state, sub_state::terminated);
  EXPECT_EQ(subscription_state_value(s, t0 + 600), "terminated;reason=timeout");
}

// RFC 6665 §4.1.3: authorisation decisions.
TEST(subscription, pending_then_accepted_then_declined) {
  auto s = start(false, "Expires: 600\r\n");
  EXPECT_EQ(subscription_state_value(s, t0 + 1), "pending;expires=599");
  auto fx = step(s, input(sub_input::accept), t0 + 1, ctx());
  EXPECT_TRUE(fx.notify);
  EXPECT_EQ(s.state, sub_state::active);
  EXPECT_EQ(subscription_state_value(s, t0 + 1), "active;expires=599");
  EXPECT_TRUE(step(s, input(sub_input::accept), t0, ctx()).ignored);
  fx = step(s, input(sub_input::decline), t0 + 2, ctx());
  EXPECT_TRUE(fx.notify && fx.drop);
  EXPECT_EQ(subscription_state_value(s, t0 + 2), "terminated;reason=rejected");
}

TEST(subscription, declined_while_pending) {
  auto s = start(false);
  auto fx = step(s, input(sub_input::decline), t0, ctx());
  EXPECT_TRUE(fx.notify);
  EXPECT_EQ(make_notify(s, t0, ctx()).value_of("Subscription-State"),
            "terminated;reason=rejected");
}

TEST(subscription, notifier_terminates_with_reason) {
  for (auto why : {term_reason::deactivated, term_reason::noresource,
                   term_reason::giveup}) {
    auto s = start();
    sub_event ev;
    ev.input = sub_input::terminate;
    ev.reason = why;
    auto fx = step(s, ev, t0, ctx());
    EXPECT_TRUE(fx.notify && fx.drop);
    EXPECT_EQ(subscription_state_value(s, t0),
              std::string{"terminated;reason="} + to_string(why));
  }
}

// RFC 6665 §4.2.2: 481, timeouts and transport failures end it silently.
TEST(subscription, notify_failures_terminate) {
  for (int status : {481, 408, 503}) {
    auto s = start();
    auto fx = step(s, input(sub_input::notify_result, status), t0, ctx());
    EXPECT_TRUE(fx.drop) << status;
    EXPECT_FALSE(fx.notify) << status;
    EXPECT_EQ(s.state, sub_state::terminated);
  }
  auto s = start();
  auto fx = step(s, input(sub_input::notify_result, 200), t0, ctx());
  EXPECT_FALSE(fx.drop);
  EXPECT_EQ(s.state, sub_state::active);
}

TEST(subscription, fetch_with_expires_zero) {
  auto r = create_subscription(sub_req("Expires: 0\r\n"), ctx(), "a", true, t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->effects.response->status_code, 200);
  EXPECT_TRUE(r->effects.notify && r->effects.drop);
  EXPECT_EQ(subscription_state_value(r->data, t0), "terminated;reason=timeout");
}

// The plain struct is the whole state: a copy (as restored from storage)
// continues the CSeq sequence and the timer.
TEST(subscription, restored_state_continues) {
  auto s = start(true, "Expires: 600\r\n");
  make_notify(s, t0, ctx());
  subscription_data restored = s;
  auto n = make_notify(restored, t0 + 1, ctx());
  EXPECT_EQ(n.value_of("CSeq"), "2 NOTIFY");
  auto fx = step(restored, input(sub_input::timer), t0 + 600, ctx());
  EXPECT_TRUE(fx.drop);
}

TEST(subscription, transition_table) {
  EXPECT_TRUE(accepts(sub_state::pending, sub_input::accept));
  EXPECT_FALSE(accepts(sub_state::active, sub_input::accept));
  EXPECT_FALSE(accepts(sub_state::terminated, sub_input::timer));
  EXPECT_TRUE(accepts(sub_state::terminated, sub_input::subscribe));
}
