// Event and signal names and the R:, S:, O: values (RFC 3435 §2.1.7,
// §3.2.2.4, packages of RFC 3660).

#include <gtest/gtest.h>

#include "appliance/mgcp/events.hpp"

namespace mgcp = ivm::mgcp;

TEST(MgcpEvents, Names) {
  auto e = mgcp::parse_event_name("L/hd");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->package, "L");
  EXPECT_EQ(e->name, "hd");
  EXPECT_TRUE(e->is("l", "HD")); // case-insensitive
  auto bare = mgcp::parse_event_name("hu");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->package, "");
  EXPECT_TRUE(bare->is("L", "hu")); // the default package
  EXPECT_FALSE(bare->is("D", "hu"));
  auto range = mgcp::parse_event_name("D/[0-9#*T]");
  ASSERT_TRUE(range);
  EXPECT_EQ(range->package, "D");
  EXPECT_EQ(range->name, "[0-9#*T]");
  auto conn = mgcp::parse_event_name("R/oc@A3F58");
  ASSERT_TRUE(conn);
  EXPECT_EQ(conn->connection, "A3F58");
  EXPECT_EQ(mgcp::to_string(*conn), "R/oc@A3F58");
  auto any = mgcp::parse_event_name("*/all@$");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->package, "*");
  EXPECT_EQ(any->connection, "$");
  for (auto bad :
       {"", "/hd", "L/", "L/h d", "L/hd@", "D/[0-9", "D/[]", "L/h(d"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(mgcp::parse_event_name(bad));
  }
}

TEST(MgcpEvents, RequestedEventsWithActionsAndEmbeddedRequest) {
  // RFC 3435 Appendix F.1b.
  auto r = mgcp::parse_requested_events(
      "L/hd(A, E(S(L/dl),R(L/oc, L/hu, D/[0-9#*T](D))))");
  ASSERT_TRUE(r) << r.error().reason;
  ASSERT_EQ(r->size(), 1u);
  auto& hd = (*r)[0];
  EXPECT_TRUE(hd.event.is("L", "hd"));
  ASSERT_EQ(hd.actions.size(), 2u);
  EXPECT_EQ(hd.actions[0], mgcp::action::accumulate);
  EXPECT_EQ(hd.actions[1], mgcp::action::embedded);
  EXPECT_TRUE(hd.embedded.has_s);
  EXPECT_EQ(hd.embedded.signals, "L/dl");
  EXPECT_TRUE(hd.embedded.has_r);
  EXPECT_EQ(hd.embedded.requested_events, "L/oc, L/hu, D/[0-9#*T](D)");
  EXPECT_FALSE(hd.embedded.has_d);
  auto inner = mgcp::parse_requested_events(hd.embedded.requested_events);
  ASSERT_TRUE(inner);
  ASSERT_EQ(inner->size(), 3u);
  EXPECT_EQ((*inner)[2].actions,
            std::vector<mgcp::action>{mgcp::action::digit_map});
  // Written back and read again: the same.
  auto again = mgcp::parse_requested_events(mgcp::to_string(*r));
  ASSERT_TRUE(again);
  EXPECT_EQ(mgcp::to_string(*again), mgcp::to_string(*r));

  auto plain = mgcp::parse_requested_events("l/hd(n), L/hu(N), D/[0-9#*T](D)");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->size(), 3u);
  EXPECT_EQ((*plain)[0].actions,
            std::vector<mgcp::action>{mgcp::action::notify});
  // No action given: notify.
  auto none = mgcp::parse_requested_events("L/hf");
  ASSERT_TRUE(none);
  EXPECT_EQ((*none)[0].actions,
            std::vector<mgcp::action>{mgcp::action::notify});
  // Event parameters after the actions.
  auto params = mgcp::parse_requested_events("L/ld(N)(to=100)");
  ASSERT_TRUE(params);
  EXPECT_EQ((*params)[0].params, std::vector<std::string>{"to=100"});
  auto empty = mgcp::parse_requested_events("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(MgcpEvents, BadActionsAre523) {
  for (auto v : {"L/hd(Q)", "L/hd(N,A)", "L/hd(N,N)", "L/hd()", "L/hd(E)"}) {
    SCOPED_TRACE(v);
    auto r = mgcp::parse_requested_events(v);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 523);
  }
  for (auto v :
       {"L/hd(N", "L/hd,,L/hu", "L/hd(N))", "L/hd(N)x", "L/hd(E(X(1)))"}) {
    SCOPED_TRACE(v);
    auto r = mgcp::parse_requested_events(v);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, 510);
  }
}

TEST(MgcpEvents, SignalsAndObservedEvents) {
  auto s = mgcp::parse_event_list(
      "L/rg, L/vmwi(+), L/ci(10/14/17/26,2015551212,\"Alice, A\")");
  ASSERT_TRUE(s) << s.error().reason;
  ASSERT_EQ(s->size(), 3u);
  EXPECT_TRUE((*s)[0].event.is("L", "rg"));
  EXPECT_EQ((*s)[1].params, std::vector<std::string>{"+"});
  ASSERT_EQ((*s)[2].params.size(), 3u);
  EXPECT_EQ((*s)[2].params[2], "\"Alice, A\"");
  EXPECT_EQ(mgcp::to_string(*s),
            "L/rg, L/vmwi(+), L/ci(10/14/17/26,2015551212,\"Alice, A\")");
  // RFC 3435 Appendix F.2.
  auto o = mgcp::parse_event_list(
      "L/hd,D/9,D/1,D/2,D/0,D/1,D/8,D/2,D/9,D/4,D/2,D/6,D/6");
  ASSERT_TRUE(o);
  ASSERT_EQ(o->size(), 13u);
  std::string digits;
  for (auto& e : *o)
    if (e.event.package == "D")
      digits += e.event.name;
  EXPECT_EQ(digits, "912018294266");
  auto stop = mgcp::parse_event_list("");
  ASSERT_TRUE(stop);
  EXPECT_TRUE(stop->empty());
  EXPECT_FALSE(mgcp::parse_event_list("L/rg(+)(x)"));
  EXPECT_FALSE(mgcp::parse_event_list("L/ci(\"open"));
}
