// appliance/net/arp_cache: one SIOCSARP per (address, MAC) while the
// kernel's entry is surely REACHABLE.

#include <gtest/gtest.h>

#include "appliance/net/arp_cache.hpp"

using namespace ivm;
using namespace std::chrono_literals;

namespace {

using mac = net::arp_cache::mac_bytes;

const mac phone_a{0x00, 0x15, 0x65, 0x01, 0x02, 0x03};
const mac phone_b{0x00, 0x04, 0xf2, 0x0a, 0x0b, 0x0c};
const auto t0 = net::arp_cache::clock_type::time_point{} + 1h;

TEST(dhcp_arp_cache, an_entry_is_made_once_within_its_ttl) {
  net::arp_cache cache{5s};
  EXPECT_FALSE(cache.fresh(0xC000020A, phone_a, t0));
  cache.remember(0xC000020A, phone_a, t0);
  EXPECT_TRUE(cache.fresh(0xC000020A, phone_a, t0));
  EXPECT_TRUE(cache.fresh(0xC000020A, phone_a, t0 + 4s));
  EXPECT_FALSE(cache.fresh(0xC000020A, phone_a, t0 + 5s));
}

TEST(dhcp_arp_cache, another_mac_on_the_address_needs_a_new_entry) {
  net::arp_cache cache{5s};
  cache.remember(0xC000020A, phone_a, t0);
  EXPECT_FALSE(cache.fresh(0xC000020A, phone_b, t0 + 1s));
  cache.remember(0xC000020A, phone_b, t0 + 1s);
  EXPECT_TRUE(cache.fresh(0xC000020A, phone_b, t0 + 2s));
  EXPECT_FALSE(cache.fresh(0xC000020A, phone_a, t0 + 2s));
}

TEST(dhcp_arp_cache, a_forgotten_entry_is_made_again) {
  net::arp_cache cache{5s};
  cache.remember(0xC000020A, phone_a, t0);
  cache.forget(0xC000020A);
  EXPECT_FALSE(cache.fresh(0xC000020A, phone_a, t0));
}

TEST(dhcp_arp_cache, a_clock_going_back_does_not_trust_an_entry) {
  net::arp_cache cache{5s};
  cache.remember(0xC000020A, phone_a, t0);
  EXPECT_FALSE(cache.fresh(0xC000020A, phone_a, t0 - 1s));
}

TEST(dhcp_arp_cache, capacity_drops_stale_entries_first) {
  net::arp_cache cache{5s, 3};
  cache.remember(1, phone_a, t0);
  cache.remember(2, phone_a, t0);
  cache.remember(3, phone_a, t0 + 4s);
  cache.remember(4, phone_a, t0 + 6s); // 1 and 2 are stale by now
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.fresh(3, phone_a, t0 + 6s));
  EXPECT_TRUE(cache.fresh(4, phone_a, t0 + 6s));
  cache.remember(5, phone_a, t0 + 6s);
  cache.remember(6, phone_a, t0 + 6s); // full of fresh ones: start over
  EXPECT_LE(cache.size(), 3u);
  EXPECT_TRUE(cache.fresh(6, phone_a, t0 + 6s));
}

} // namespace
