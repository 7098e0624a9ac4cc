// storage/records/leases: the DHCP lease codec, and leases that survive a
// reopen of the database (a restart never gives one MAC's address to
// another).

#include <filesystem>
#include <unistd.h>

#include <gtest/gtest.h>

#include "provisioning/dhcp/server.hpp"
#include "storage/records/leases.hpp"

using namespace ivm;
namespace dhcp = provisioning::dhcp;

namespace {

dhcp::lease make(std::uint8_t last, std::uint8_t mac_last,
                 dhcp::lease_state state, std::int64_t expiry_s) {
  dhcp::lease x;
  x.address = dhcp::ipv4_address::from_octets(192, 0, 2, last);
  x.mac = provisioning::mac_address{{0x02, 0, 0, 0, 0, mac_last}};
  x.state = state;
  x.expiry = dhcp::time_point{std::chrono::seconds{expiry_s}};
  return x;
}

TEST(lease_records, round_trip) {
  for (auto state : {dhcp::lease_state::expired, dhcp::lease_state::offered,
                     dhcp::lease_state::bound, dhcp::lease_state::released,
                     dhcp::lease_state::declined}) {
    auto x = make(100, 7, state, 1'900'000'000);
    auto back =
        storage::records::decode_lease(storage::records::lease_key(x.address),
                                       storage::records::encode_lease(x));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, x);
  }
}

TEST(lease_records, keys_sort_by_address) {
  using storage::records::lease_key;
  EXPECT_LT(lease_key(dhcp::ipv4_address::from_octets(192, 0, 2, 9)),
            lease_key(dhcp::ipv4_address::from_octets(192, 0, 2, 10)));
  EXPECT_EQ(lease_key(dhcp::ipv4_address::from_octets(192, 0, 2, 1)),
            std::string("\xC0\x00\x02\x01", 4));
}

TEST(lease_records, damaged_records_are_errors) {
  auto x = make(100, 7, dhcp::lease_state::bound, 5);
  auto key = storage::records::lease_key(x.address);
  auto value = storage::records::encode_lease(x);
  using storage::records::decode_lease;
  EXPECT_FALSE(decode_lease(key.substr(0, 3), value));
  EXPECT_FALSE(decode_lease(key, value.substr(0, value.size() - 1)));
  EXPECT_FALSE(decode_lease(key, value + "x"));
  auto bad_state = value;
  bad_state[8] = 9; // version, length, 6 MAC bytes, then the state
  EXPECT_FALSE(decode_lease(key, bad_state));
  auto newer = value;
  newer[0] = 2;
  EXPECT_FALSE(decode_lease(key, newer));
}

TEST(lease_records, stored_leases_come_back_after_reopen) {
  auto dir = std::filesystem::temp_directory_path() /
             ("ivm-leases-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto later =
      std::chrono::duration_cast<std::chrono::seconds>(
          (dhcp::clock_type::now() + std::chrono::hours{1}).time_since_epoch())
          .count();
  std::vector<dhcp::lease> written{
      make(100, 1, dhcp::lease_state::bound, later),
      make(101, 2, dhcp::lease_state::bound, later)};
  {
    auto db = storage::open_rocksdb(dir);
    ASSERT_TRUE(db) << db.error().message;
    storage::write_batch batch;
    storage::records::put_leases(batch, written);
    ASSERT_FALSE((*db)->write(batch, true));
  }
  auto db = storage::open_rocksdb(dir);
  ASSERT_TRUE(db) << db.error().message;
  std::size_t skipped = 0;
  auto loaded = storage::records::load_leases(**db, &skipped);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(skipped, 0u);
  EXPECT_EQ(*loaded, written);
  // The server restored from them offers each MAC its own address.
  dhcp::server_config cfg;
  cfg.server_address = dhcp::ipv4_address::from_octets(192, 0, 2, 1);
  cfg.subnet_mask = dhcp::ipv4_address::from_octets(255, 255, 255, 0);
  cfg.pool_first = dhcp::ipv4_address::from_octets(192, 0, 2, 100);
  cfg.pool_last = dhcp::ipv4_address::from_octets(192, 0, 2, 200);
  auto srv = dhcp::server::make(cfg);
  ASSERT_TRUE(srv) << srv.error();
  EXPECT_EQ(srv->load(*loaded), 2u);
  auto mine =
      srv->pool().choose(written[1].mac, std::nullopt, dhcp::clock_type::now());
  ASSERT_TRUE(mine);
  EXPECT_EQ(*mine, written[1].address);
  db->reset();
  std::filesystem::remove_all(dir);
}

} // namespace
