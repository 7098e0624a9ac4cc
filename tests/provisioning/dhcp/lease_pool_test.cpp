// The lease state machine and address choice (RFC 2131 §4.3.1 order).

#include <gtest/gtest.h>

#include "dhcp_test_util.hpp"
#include "provisioning/dhcp/lease_pool.hpp"

namespace dhcp = ivm::provisioning::dhcp;
using namespace dhcp::test;
using dhcp::lease;
using dhcp::lease_event;
using dhcp::lease_state;

TEST(dhcp_lease, transition_table) {
  using dhcp::next_state;
  EXPECT_EQ(next_state(lease_state::expired, lease_event::offer),
            lease_state::offered);
  EXPECT_EQ(next_state(lease_state::offered, lease_event::bind),
            lease_state::bound);
  EXPECT_EQ(next_state(lease_state::offered, lease_event::forget),
            lease_state::expired);
  EXPECT_EQ(next_state(lease_state::bound, lease_event::bind),
            lease_state::bound);
  EXPECT_EQ(next_state(lease_state::bound, lease_event::release),
            lease_state::released);
  EXPECT_EQ(next_state(lease_state::bound, lease_event::decline),
            lease_state::declined);
  // A binding is never turned back into an offer; a quarantined address
  // accepts nothing but the end of its quarantine; nothing to release or
  // decline once a lease ended.
  EXPECT_FALSE(next_state(lease_state::bound, lease_event::offer));
  for (auto e : {lease_event::offer, lease_event::bind, lease_event::release,
                 lease_event::decline, lease_event::forget})
    EXPECT_FALSE(next_state(lease_state::declined, e)) << to_string(e);
  EXPECT_FALSE(next_state(lease_state::released, lease_event::release));
  EXPECT_FALSE(next_state(lease_state::expired, lease_event::decline));
  EXPECT_EQ(dhcp::parse_lease_state("declined"), lease_state::declined);
  EXPECT_FALSE(dhcp::parse_lease_state("gone"));
}

TEST(dhcp_lease, state_lapses_at_expiry) {
  lease x{ip("192.0.2.100"), mac(1), lease_state::bound, t0() + secs(10)};
  EXPECT_EQ(current_state(x, t0() + secs(9)), lease_state::bound);
  EXPECT_EQ(current_state(x, t0() + secs(10)), lease_state::expired);
  // step() applies the lapse first: an expired lease cannot be released.
  EXPECT_FALSE(step(x, lease_event::release, t0(), t0() + secs(11)));
  EXPECT_EQ(x.state, lease_state::bound);
}

TEST(dhcp_lease_pool, hands_out_fresh_addresses_first_in_order) {
  dhcp::lease_pool pool{scope()};
  for (int i = 0; i < 3; ++i) {
    auto a = pool.choose(mac(i), std::nullopt, t0());
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "192.0.2.10" + std::to_string(i));
    EXPECT_TRUE(pool.offer(mac(i), *a, t0()));
  }
  // The same client gets its offered address again.
  EXPECT_EQ(pool.choose(mac(1), std::nullopt, t0()), ip("192.0.2.101"));
  // A requested address is honoured when free and in the range.
  EXPECT_EQ(pool.choose(mac(9), ip("192.0.2.107"), t0()), ip("192.0.2.107"));
  EXPECT_EQ(pool.choose(mac(9), ip("192.0.2.101"), t0()), ip("192.0.2.103"));
  EXPECT_EQ(pool.choose(mac(9), ip("192.0.2.20"), t0()), ip("192.0.2.103"));
}

TEST(dhcp_lease_pool, never_offers_the_server_or_subnet_edges) {
  auto cfg = scope();
  cfg.pool_first = ip("192.0.2.1");
  cfg.pool_last = ip("192.0.2.3");
  dhcp::lease_pool pool{cfg};
  auto a = pool.choose(mac(1), std::nullopt, t0());
  EXPECT_EQ(a, ip("192.0.2.2")); // .1 is the server
  EXPECT_FALSE(pool.assignable(mac(1), ip("192.0.2.0"), t0()));
  EXPECT_FALSE(pool.assignable(mac(1), ip("192.0.2.255"), t0()));
}

TEST(dhcp_lease_pool, reuses_the_longest_expired_address_first) {
  auto cfg = scope();
  cfg.pool_last = ip("192.0.2.102"); // three addresses
  dhcp::lease_pool pool{cfg};
  for (int i = 0; i < 3; ++i) {
    auto a = *pool.choose(mac(i), std::nullopt, t0() + secs(i));
    ASSERT_EQ(pool.bind(mac(i), a, t0() + secs(i)).size(), 1u);
  }
  auto during = t0() + secs(100);
  EXPECT_FALSE(pool.choose(mac(7), std::nullopt, during)); // exhausted
  // .102 released first, then .100 expires, .101 still bound.
  ASSERT_TRUE(pool.release(mac(2), ip("192.0.2.102"), during));
  auto later = t0() + secs(3600); // .100 ends now, .101 in a second
  EXPECT_EQ(pool.choose(mac(7), std::nullopt, later), ip("192.0.2.102"));
  ASSERT_TRUE(pool.offer(mac(7), ip("192.0.2.102"), later));
  EXPECT_EQ(pool.choose(mac(8), std::nullopt, later), ip("192.0.2.100"));
  EXPECT_FALSE(pool.assignable(mac(8), ip("192.0.2.101"), later));
  // The offer to mac 7 holds .102 against others for the offer hold only.
  EXPECT_FALSE(pool.assignable(mac(8), ip("192.0.2.102"), later));
  EXPECT_TRUE(pool.assignable(mac(8), ip("192.0.2.102"), later + secs(30)));
}

TEST(dhcp_lease_pool, moving_to_another_address_releases_the_old_one) {
  dhcp::lease_pool pool{scope()};
  ASSERT_EQ(pool.bind(mac(1), ip("192.0.2.100"), t0()).size(), 1u);
  auto changes = pool.bind(mac(1), ip("192.0.2.105"), t0() + secs(5));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].address, ip("192.0.2.100"));
  EXPECT_EQ(changes[0].state, lease_state::released);
  EXPECT_EQ(changes[1].address, ip("192.0.2.105"));
  EXPECT_EQ(changes[1].state, lease_state::bound);
  EXPECT_EQ(changes[1].expiry, t0() + secs(3605));
  EXPECT_EQ(pool.find(mac(1))->address, ip("192.0.2.105"));
}

TEST(dhcp_lease_pool, reservations_are_only_for_their_mac) {
  auto cfg = scope();
  cfg.reservations = {{mac(5), ip("192.0.2.50")},   // outside the range
                      {mac(6), ip("192.0.2.100")}}; // inside
  dhcp::lease_pool pool{cfg};
  EXPECT_EQ(pool.choose(mac(5), std::nullopt, t0()), ip("192.0.2.50"));
  EXPECT_EQ(pool.choose(mac(5), ip("192.0.2.104"), t0()), ip("192.0.2.50"));
  EXPECT_FALSE(pool.assignable(mac(5), ip("192.0.2.104"), t0()));
  EXPECT_EQ(pool.choose(mac(1), std::nullopt, t0()), ip("192.0.2.101"));
  EXPECT_FALSE(pool.assignable(mac(1), ip("192.0.2.100"), t0()));
  EXPECT_FALSE(pool.assignable(mac(1), ip("192.0.2.50"), t0()));
}

TEST(dhcp_lease_pool, declined_addresses_rest_for_the_decline_hold) {
  dhcp::lease_pool pool{scope()};
  pool.bind(mac(1), ip("192.0.2.100"), t0());
  EXPECT_FALSE(pool.decline(mac(2), ip("192.0.2.100"), t0())); // not its
  auto rec = pool.decline(mac(1), ip("192.0.2.100"), t0());
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state, lease_state::declined);
  EXPECT_EQ(rec->expiry, t0() + secs(3600));
  EXPECT_EQ(pool.find(mac(1)), nullptr);
  EXPECT_FALSE(pool.assignable(mac(1), ip("192.0.2.100"), t0() + secs(10)));
  EXPECT_EQ(pool.choose(mac(1), std::nullopt, t0()), ip("192.0.2.101"));
  EXPECT_TRUE(pool.assignable(mac(2), ip("192.0.2.100"), t0() + secs(3600)));
}

TEST(dhcp_lease_pool, load_restores_bindings_and_skips_foreign_records) {
  auto cfg = scope();
  dhcp::lease_pool pool{cfg};
  std::vector<lease> stored = {
      {ip("192.0.2.103"), mac(1), lease_state::bound, t0() + secs(100)},
      {ip("192.0.2.100"), mac(1), lease_state::released, t0() - secs(100)},
      {ip("192.0.2.104"), mac(2), lease_state::declined, t0() + secs(100)},
      {ip("198.51.100.7"), mac(3), lease_state::bound, t0() + secs(100)},
      {ip("192.0.2.1"), mac(4), lease_state::bound, t0() + secs(100)},
  };
  EXPECT_EQ(pool.load(stored), 3u);
  EXPECT_EQ(pool.find(mac(1))->address, ip("192.0.2.103"));
  EXPECT_EQ(pool.choose(mac(1), std::nullopt, t0()), ip("192.0.2.103"));
  EXPECT_FALSE(pool.assignable(mac(9), ip("192.0.2.103"), t0()));
  EXPECT_FALSE(pool.assignable(mac(9), ip("192.0.2.104"), t0()));
  // Fresh addresses skip the recorded ones.
  EXPECT_EQ(pool.choose(mac(9), std::nullopt, t0()), ip("192.0.2.101"));
  EXPECT_EQ(pool.snapshot().size(), 3u);
}
