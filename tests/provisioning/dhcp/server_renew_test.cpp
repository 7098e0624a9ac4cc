// The rest of a lease's life (RFC 2131 §4.3.2 INIT-REBOOT, RENEWING,
// REBINDING; §4.3.3 DECLINE; §4.3.4 RELEASE; §4.3.5 INFORM) and restarts.

#include <algorithm>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "dhcp_test_util.hpp"

namespace dhcp = ivm::provisioning::dhcp;
using namespace dhcp::test;
using dhcp::bytes;
using dhcp::destination_kind;
using dhcp::lease_state;
using dhcp::message_type;
using dhcp::outcome;

namespace {

dhcp::packet renewal(const ivm::provisioning::mac_address& who,
                     const char* ciaddr) {
  auto msg = client(message_type::request, who);
  msg.ciaddr = ip(ciaddr);
  return msg;
}

dhcp::packet reboot(const ivm::provisioning::mac_address& who,
                    const char* address) {
  return client(message_type::request, who, {requested(address)});
}

} // namespace

TEST(dhcp_server_lease, renewing_extends_the_lease_by_unicast) {
  auto srv = make_server();
  ASSERT_EQ(dora(srv, mac(1), t0()).what, outcome::acked);
  auto at_t1 = t0() + secs(1800);
  auto res = srv.handle(renewal(mac(1), "192.0.2.100"),
                        {ip("192.0.2.100"), false}, at_t1);
  EXPECT_EQ(res.what, outcome::acked);
  EXPECT_EQ(res.reply->to.kind, destination_kind::unicast);
  EXPECT_EQ(res.reply->to.address, ip("192.0.2.100"));
  EXPECT_EQ(res.reply->message.ciaddr, ip("192.0.2.100"));
  EXPECT_EQ(res.reply->message.yiaddr, ip("192.0.2.100"));
  ASSERT_EQ(res.changes.size(), 1u);
  EXPECT_EQ(res.changes[0].expiry, at_t1 + secs(3600));
  // REBINDING (broadcast, after T2) is answered the same way.
  auto at_t2 = at_t1 + secs(3200);
  res = srv.handle(renewal(mac(1), "192.0.2.100"), {ip("192.0.2.100"), true},
                   at_t2);
  EXPECT_EQ(res.what, outcome::acked);
  EXPECT_EQ(res.changes.at(0).expiry, at_t2 + secs(3600));
}

TEST(dhcp_server_lease, renewing_an_address_now_someone_elses_is_naked) {
  auto srv = make_server();
  dora(srv, mac(1), t0());
  // mac 1's lease ran out, mac 2 got the address.
  auto later = t0() + secs(4000);
  auto cfg_one = srv.pool().find(mac(1))->address;
  ASSERT_EQ(cfg_one, ip("192.0.2.100"));
  auto req = client(message_type::request, mac(2),
                    {server_id("192.0.2.1"), requested("192.0.2.100")});
  ASSERT_EQ(srv.handle(req, from_client(), later).what, outcome::acked);
  auto res = srv.handle(renewal(mac(1), "192.0.2.100"), from_client(), later);
  EXPECT_EQ(res.what, outcome::naked);
  EXPECT_EQ(res.reply->to.kind, destination_kind::broadcast);
  EXPECT_TRUE(res.changes.empty());
  // Outside the subnet: NAK as well.
  res = srv.handle(renewal(mac(3), "198.51.100.7"), from_client(), later);
  EXPECT_EQ(res.what, outcome::naked);
}

TEST(dhcp_server_lease, renewing_a_free_address_adopts_it) {
  // A client whose lease the box lost (e.g. storage replaced) keeps it.
  auto srv = make_server();
  auto res = srv.handle(renewal(mac(4), "192.0.2.107"), from_client(), t0());
  EXPECT_EQ(res.what, outcome::acked);
  EXPECT_EQ(res.changes.at(0).address, ip("192.0.2.107"));
}

TEST(dhcp_server_lease, init_reboot_confirms_naks_or_stays_silent) {
  auto srv = make_server();
  dora(srv, mac(1), t0());
  // Known client, its address: ACK with a new lease.
  auto res =
      srv.handle(reboot(mac(1), "192.0.2.100"), from_client(), t0() + secs(60));
  EXPECT_EQ(res.what, outcome::acked);
  EXPECT_EQ(res.changes.at(0).expiry, t0() + secs(3660));
  // Known client, another address: NAK (its notion is wrong).
  res = srv.handle(reboot(mac(1), "192.0.2.104"), from_client(), t0());
  EXPECT_EQ(res.what, outcome::naked);
  // Moved to another network: NAK.
  res = srv.handle(reboot(mac(1), "10.1.2.3"), from_client(), t0());
  EXPECT_EQ(res.what, outcome::naked);
  // Unknown client, a free address: no record -> silent (§4.3.2).
  res = srv.handle(reboot(mac(2), "192.0.2.104"), from_client(), t0());
  EXPECT_EQ(res.what, outcome::silent);
  EXPECT_FALSE(res.reply);
  // Unknown client, an address bound to another: NAK.
  res = srv.handle(reboot(mac(2), "192.0.2.100"), from_client(), t0());
  EXPECT_EQ(res.what, outcome::naked);
}

TEST(dhcp_server_lease, not_authoritative_means_silent_about_strangers) {
  auto cfg = scope();
  cfg.authoritative = false;
  auto srv = make_server(cfg);
  dora(srv, mac(1), t0());
  EXPECT_EQ(srv.handle(reboot(mac(2), "10.1.2.3"), from_client(), t0()).what,
            outcome::silent);
  EXPECT_EQ(srv.handle(reboot(mac(2), "192.0.2.100"), from_client(), t0()).what,
            outcome::silent);
  EXPECT_EQ(
      srv.handle(renewal(mac(2), "192.0.2.105"), from_client(), t0()).what,
      outcome::silent);
  // Its own client is still told.
  EXPECT_EQ(srv.handle(reboot(mac(1), "10.1.2.3"), from_client(), t0()).what,
            outcome::naked);
}

TEST(dhcp_server_lease, release_frees_the_address_for_its_owner_first) {
  auto srv = make_server();
  dora(srv, mac(1), t0());
  auto rel = client(message_type::release, mac(1), {server_id("192.0.2.1")});
  rel.ciaddr = ip("192.0.2.100");
  // Someone else cannot release it; another server's RELEASE is not ours.
  auto spoof = rel;
  spoof.set_mac(mac(2));
  EXPECT_EQ(srv.handle(spoof, from_client(), t0()).what, outcome::ignored);
  auto other = rel;
  other.set(54, dhcp::encode_address(ip("192.0.2.99")));
  EXPECT_EQ(srv.handle(other, from_client(), t0()).what, outcome::ignored);
  auto res = srv.handle(rel, {ip("192.0.2.100"), false}, t0() + secs(10));
  EXPECT_EQ(res.what, outcome::released);
  EXPECT_FALSE(res.reply);
  ASSERT_EQ(res.changes.size(), 1u);
  EXPECT_EQ(res.changes[0].state, lease_state::released);
  EXPECT_EQ(res.changes[0].expiry, t0() + secs(10));
  // A newcomer gets a fresh address; the owner its old one back.
  auto n = srv.handle(client(message_type::discover, mac(2)), from_client(),
                      t0() + secs(20));
  EXPECT_EQ(n.reply->message.yiaddr, ip("192.0.2.101"));
  auto o = srv.handle(client(message_type::discover, mac(1)), from_client(),
                      t0() + secs(20));
  EXPECT_EQ(o.reply->message.yiaddr, ip("192.0.2.100"));
}

TEST(dhcp_server_lease, decline_quarantines_the_address) {
  auto srv = make_server();
  dora(srv, mac(1), t0());
  auto dec = client(message_type::decline, mac(1),
                    {server_id("192.0.2.1"), requested("192.0.2.100")});
  auto res = srv.handle(dec, from_client(), t0() + secs(1));
  EXPECT_EQ(res.what, outcome::declined);
  EXPECT_FALSE(res.reply);
  ASSERT_EQ(res.changes.size(), 1u);
  EXPECT_EQ(res.changes[0].state, lease_state::declined);
  EXPECT_EQ(res.changes[0].expiry, t0() + secs(3601));
  // The client starts over and gets another address.
  auto again = dora(srv, mac(1), t0() + secs(2));
  EXPECT_EQ(again.changes.at(0).address, ip("192.0.2.101"));
  // Without option 50, or from a stranger: nothing.
  auto bare = client(message_type::decline, mac(1));
  EXPECT_EQ(srv.handle(bare, from_client(), t0()).what, outcome::ignored);
  auto stranger =
      client(message_type::decline, mac(9), {requested("192.0.2.101")});
  EXPECT_EQ(srv.handle(stranger, from_client(), t0()).what, outcome::ignored);
}

TEST(dhcp_server_lease, inform_gets_configuration_without_a_lease) {
  auto srv = make_server();
  auto inf = client(message_type::inform, mac(1), {prl({1, 66})});
  inf.ciaddr = ip("192.0.2.33");
  auto res = srv.handle(inf, {ip("192.0.2.33"), false}, t0());
  EXPECT_EQ(res.what, outcome::informed);
  auto& msg = res.reply->message;
  EXPECT_EQ(msg.type(), message_type::ack);
  EXPECT_EQ(msg.yiaddr, ip("0.0.0.0"));
  EXPECT_EQ(msg.ciaddr, ip("192.0.2.33"));
  EXPECT_EQ(codes_of(msg), (std::vector<int>{53, 54, 1, 66, 3, 6}));
  EXPECT_EQ(res.reply->to.kind, destination_kind::unicast);
  EXPECT_EQ(res.reply->to.address, ip("192.0.2.33"));
  EXPECT_TRUE(res.changes.empty());
  // From elsewhere: ignored.
  inf.ciaddr = ip("203.0.113.5");
  EXPECT_EQ(srv.handle(inf, from_client(), t0()).what, outcome::ignored);
}

TEST(dhcp_server_lease, a_restart_keeps_every_mac_on_its_address) {
  std::vector<dhcp::lease> stored; // what storage would hold, by address
  auto persist = [&stored](const std::vector<dhcp::lease>& changes) {
    for (auto& c : changes) {
      auto i = std::find_if(
          stored.begin(), stored.end(),
          [&c](const dhcp::lease& x) { return x.address == c.address; });
      if (i != stored.end())
        *i = c;
      else
        stored.push_back(c);
    }
  };
  {
    auto srv = make_server();
    for (std::uint8_t i = 1; i <= 4; ++i)
      persist(dora(srv, mac(i), t0()).changes);
    auto rel = client(message_type::release, mac(2));
    rel.ciaddr = ip("192.0.2.101");
    persist(srv.handle(rel, from_client(), t0()).changes);
  }
  ASSERT_EQ(stored.size(), 4u);
  auto srv = make_server();
  EXPECT_EQ(srv.load(stored), 4u);
  auto later = t0() + secs(600);
  // Newcomers never get a bound address; mac 2's released one waits while
  // fresh addresses remain.
  auto n = dora(srv, mac(9), later);
  EXPECT_EQ(n.changes.at(0).address, ip("192.0.2.104"));
  for (std::uint8_t i = 1; i <= 4; ++i) {
    auto res = dora(srv, mac(i), later);
    ASSERT_EQ(res.what, outcome::acked);
    EXPECT_EQ(res.changes.back().address.to_string(),
              "192.0.2.10" + std::to_string(i - 1));
  }
}

TEST(dhcp_server_lease, survives_mutated_messages_keeping_leases_unique) {
  // Deterministic mutations of valid messages: the server never crashes and
  // never binds one address to two MACs or one MAC to two addresses.
  auto srv = make_server();
  std::mt19937 rng{2131};
  std::vector<bytes> seeds;
  for (std::uint8_t i = 0; i < 4; ++i) {
    seeds.push_back(dhcp::serialize(
        client(message_type::discover, mac(i), {prl({1, 3, 66})})));
    seeds.push_back(dhcp::serialize(
        client(message_type::request, mac(i),
               {server_id("192.0.2.1"), requested("192.0.2.100")})));
    auto rel = client(message_type::release, mac(i));
    rel.ciaddr = ip("192.0.2.100");
    seeds.push_back(dhcp::serialize(rel));
  }
  auto now = t0();
  for (int round = 0; round < 20000; ++round) {
    auto msg = seeds[rng() % seeds.size()];
    auto edits = 1 + rng() % 4;
    for (unsigned e = 0; e < edits; ++e) {
      switch (rng() % 3) {
        case 0:
          msg[rng() % msg.size()] = static_cast<std::uint8_t>(rng());
          break;
        case 1:
          msg.resize(rng() % (msg.size() + 1));
          break;
        default:
          msg.push_back(static_cast<std::uint8_t>(rng()));
      }
      if (msg.empty())
        break;
    }
    now += secs(rng() % 120);
    srv.handle(msg.data(), msg.size(), from_client(), now);
  }
  std::set<std::string> macs;
  for (auto& rec : srv.pool().snapshot()) {
    if (dhcp::current_state(rec, now) == lease_state::bound) {
      EXPECT_TRUE(macs.insert(rec.mac.to_string()).second)
          << rec.mac.to_string();
    }
  }
  EXPECT_GT(srv.pool().size(), 0u); // the mutations did reach the pool
}

TEST(dhcp_server_lease, a_new_reservation_moves_both_clients_safely) {
  std::vector<dhcp::lease> stored;
  {
    auto srv = make_server();
    stored = dora(srv, mac(1), t0()).changes;   // .100
    auto two = dora(srv, mac(2), t0()).changes; // .101
    stored.insert(stored.end(), two.begin(), two.end());
  }
  // The admin reserves .101 for mac 1; the box restarts.
  auto cfg = scope();
  cfg.reservations = {{mac(1), ip("192.0.2.101")}};
  auto srv = make_server(cfg);
  ASSERT_EQ(srv.load(stored), 2u);
  auto now = t0() + secs(60);
  // mac 2 still holds .101: no offer for mac 1 yet, never a shared address.
  EXPECT_EQ(
      srv.handle(client(message_type::discover, mac(1)), from_client(), now)
          .what,
      outcome::no_address);
  // mac 1 renewing its old pool address is told to start over.
  EXPECT_EQ(srv.handle(renewal(mac(1), "192.0.2.100"), from_client(), now).what,
            outcome::naked);
  // mac 2 renewing the now-reserved address is told as well...
  EXPECT_EQ(srv.handle(renewal(mac(2), "192.0.2.101"), from_client(), now).what,
            outcome::naked);
  // ... and once its lease ends, mac 1 gets the reservation.
  auto later = t0() + secs(3600);
  auto res = dora(srv, mac(1), later);
  ASSERT_EQ(res.what, outcome::acked);
  EXPECT_EQ(res.changes.back().address, ip("192.0.2.101"));
  EXPECT_EQ(srv.pool().find(ip("192.0.2.101"))->mac, mac(1));
}

TEST(dhcp_server_lease, moving_off_a_running_binding_releases_it) {
  std::vector<dhcp::lease> stored;
  {
    auto srv = make_server();
    stored = dora(srv, mac(1), t0()).changes; // .100
  }
  auto cfg = scope();
  cfg.reservations = {{mac(1), ip("192.0.2.20")}};
  auto srv = make_server(cfg);
  srv.load(stored);
  auto res = dora(srv, mac(1), t0() + secs(60));
  ASSERT_EQ(res.what, outcome::acked);
  ASSERT_EQ(res.changes.size(), 2u);
  EXPECT_EQ(res.changes[0].address, ip("192.0.2.100"));
  EXPECT_EQ(res.changes[0].state, lease_state::released);
  EXPECT_EQ(res.changes[1].address, ip("192.0.2.20"));
  EXPECT_EQ(res.changes[1].state, lease_state::bound);
}
