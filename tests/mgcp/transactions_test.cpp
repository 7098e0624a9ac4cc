// MGCP transactions (RFC 3435 §3.5): retransmission with backoff,
// provisional responses, the response cache that keeps a repeated command
// from running twice, and response acknowledgements.

#include <gtest/gtest.h>

#include "appliance/mgcp/transactions.hpp"

namespace mgcp = ivm::mgcp;
using ms = mgcp::millis;

TEST(MgcpTransactions, RetransmitsWithBackoffThenGivesUp) {
  mgcp::outgoing_transactions t{{ms{200}, ms{4000}, 8, ms{5000}}};
  auto id = t.next_id();
  EXPECT_EQ(id, 1u);
  t.sent(id, "gw1", "RQNT 1 aaln/1@gw1 MGCP 1.0\r\n", ms{0});
  EXPECT_EQ(t.next_due(), ms{200});
  EXPECT_TRUE(t.due(ms{199}).resend.empty());
  // 200, 400, 800, 1600, 3200, then capped at 4000.
  std::vector<ms> at;
  ms now{0};
  for (int i = 0; i < 7; ++i) {
    now = *t.next_due();
    auto d = t.due(now);
    ASSERT_EQ(d.resend.size(), 1u);
    EXPECT_EQ(d.resend[0].second.datagram, "RQNT 1 aaln/1@gw1 MGCP 1.0\r\n");
    at.push_back(now);
  }
  EXPECT_EQ(at, (std::vector<ms>{ms{200}, ms{600}, ms{1400}, ms{3000}, ms{6200},
                                 ms{10200}, ms{14200}}));
  // The eighth send was the last: next time it fails.
  auto d = t.due(*t.next_due());
  EXPECT_TRUE(d.resend.empty());
  ASSERT_EQ(d.failed.size(), 1u);
  EXPECT_EQ(d.failed[0].first, id);
  EXPECT_EQ(d.failed[0].second.sends, 8u);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(t.next_due());
}

TEST(MgcpTransactions, FinalResponseEndsProvisionalWaits) {
  mgcp::outgoing_transactions t;
  auto a = t.next_id(), b = t.next_id();
  EXPECT_NE(a, b);
  t.sent(a, "gw1", "A", ms{0});
  t.sent(b, "gw2", "B", ms{0});
  // From the wrong peer, or to no transaction: nothing.
  EXPECT_FALSE(t.on_response("gw2", a, 200, ms{10}));
  EXPECT_FALSE(t.on_response("gw1", 999, 200, ms{10}));
  // Provisional: the retransmission waits the long timer.
  EXPECT_FALSE(t.on_response("gw1", a, 100, ms{10}));
  auto d = t.due(ms{200});
  ASSERT_EQ(d.resend.size(), 1u);
  EXPECT_EQ(d.resend[0].first, b);
  for (auto& [tid, e] : t.due(ms{5009}).resend)
    EXPECT_NE(tid, a); // due at 10 + 5000
  auto later = t.due(ms{5010}).resend;
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].first, a);
  auto done = t.on_response("gw1", a, 200, ms{300});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->datagram, "A");
  EXPECT_TRUE(done->provisional);
  // A repeated final response finds nothing.
  EXPECT_FALSE(t.on_response("gw1", a, 200, ms{301}));
  EXPECT_EQ(t.drop_peer("gw2"), std::vector<std::uint32_t>{b});
  EXPECT_EQ(t.size(), 0u);
}

TEST(MgcpTransactions, IdsWrapAndSkipThoseInUse) {
  mgcp::outgoing_transactions t{{}, 999999998};
  EXPECT_EQ(t.next_id(), 999999998u);
  t.sent(999999999, "gw", "x", ms{0});
  t.sent(1, "gw", "y", ms{0});
  EXPECT_EQ(t.next_id(), 2u); // 999999999 and 1 are taken
}

TEST(MgcpTransactions, RepeatedCommandIsAnsweredFromTheCache) {
  mgcp::incoming_transactions in{ms{30000}};
  EXPECT_EQ(in.check("gw1", 7, ms{0}).what,
            mgcp::incoming_transactions::verdict::fresh);
  // The same id from another gateway is another transaction.
  EXPECT_EQ(in.check("gw2", 7, ms{0}).what,
            mgcp::incoming_transactions::verdict::fresh);
  EXPECT_EQ(in.check("gw1", 7, ms{5}).what,
            mgcp::incoming_transactions::verdict::executing);
  in.answered("gw1", 7, "200 7 OK\r\n", ms{10});
  auto again = in.check("gw1", 7, ms{20});
  EXPECT_EQ(again.what, mgcp::incoming_transactions::verdict::answered);
  EXPECT_EQ(again.cached, "200 7 OK\r\n");
  // Acknowledged: the text goes, the id stays known (still not fresh).
  in.acknowledged("gw1", {{5, 8}});
  auto acked = in.check("gw1", 7, ms{30});
  EXPECT_EQ(acked.what, mgcp::incoming_transactions::verdict::answered);
  EXPECT_EQ(acked.cached, "");
  // T-HIST later it is forgotten; one still running is kept.
  in.expire(ms{30010});
  EXPECT_EQ(in.check("gw1", 7, ms{30011}).what,
            mgcp::incoming_transactions::verdict::fresh);
  EXPECT_EQ(in.check("gw2", 7, ms{30012}).what,
            mgcp::incoming_transactions::verdict::executing);
  in.drop_peer("gw2");
  EXPECT_EQ(in.check("gw2", 7, ms{30013}).what,
            mgcp::incoming_transactions::verdict::fresh);
}

TEST(MgcpTransactions, ResponseAckLists) {
  auto k = mgcp::parse_response_ack("6234-6255, 6257, 19030-19044");
  ASSERT_TRUE(k);
  EXPECT_EQ(*k, (std::vector<std::pair<std::uint32_t, std::uint32_t>>{
                    {6234, 6255}, {6257, 6257}, {19030, 19044}}));
  auto empty = mgcp::parse_response_ack("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  for (auto bad : {"5-3", "1,,2", "x", "1-", "1234567890", "-4"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(mgcp::parse_response_ack(bad));
  }
}
