// appliance/auth: admin password hashes, the sign-in throttle, sessions,
// stored accounts.

#include <gtest/gtest.h>

#include "appliance/auth/admin_accounts.hpp"
#include "appliance/auth/login_throttle.hpp"
#include "appliance/auth/password_hash.hpp"
#include "appliance/auth/sessions.hpp"

using namespace ivm::auth;
using namespace std::chrono_literals;

namespace {

const scrypt_params fast{10, 8, 1};

} // namespace

TEST(password_hash, verifies_only_the_password) {
  auto h = hash_password("correct horse battery", fast);
  ASSERT_EQ(h.rfind("scrypt$10$8$1$", 0), 0u) << h;
  EXPECT_TRUE(verify_password("correct horse battery", h));
  EXPECT_FALSE(verify_password("correct horse batterY", h));
  EXPECT_FALSE(verify_password("", h));
  // Salted: the same password hashes differently.
  EXPECT_NE(hash_password("correct horse battery", fast), h);
}

TEST(password_hash, the_default_cost_is_scrypt_2_15) {
  auto h = hash_password("correct horse battery");
  EXPECT_EQ(h.rfind("scrypt$15$8$1$", 0), 0u) << h;
  EXPECT_TRUE(verify_password("correct horse battery", h));
}

TEST(password_hash, malformed_stored_hashes_never_match) {
  auto h = hash_password("pw-pw-pw-pw", fast);
  auto cut = h.substr(0, h.size() - 2);
  for (std::string bad :
       {std::string{}, std::string{"scrypt"}, cut, "md5$" + h.substr(7),
        std::string{"scrypt$10$8$1$zz$00"}, std::string{"scrypt$40$8$1$00$00"},
        std::string{"scrypt$10$0$1$00$00"}, h + "$x", h + "0"})
    EXPECT_FALSE(verify_password("pw-pw-pw-pw", bad)) << bad;
}

TEST(password_hash, weak_passwords_and_names) {
  EXPECT_TRUE(weak_password("short", "admin"));
  EXPECT_TRUE(weak_password("aaaaaaaaaaaa", "admin"));
  EXPECT_TRUE(weak_password("longadmin1", "longadmin1"));
  EXPECT_FALSE(weak_password("a long enough one", "admin"));
  EXPECT_TRUE(valid_admin_name("admin"));
  EXPECT_TRUE(valid_admin_name("it.support-2"));
  for (auto bad :
       {"", "Admin", "-x", "a b", "a/b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    EXPECT_FALSE(valid_admin_name(bad)) << bad;
}

TEST(login_throttle, five_failures_then_doubling_waits) {
  login_throttle t;
  auto now = login_throttle::clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(t.wait("192.0.2.9", "admin", now));
    t.failed("192.0.2.9", "admin", now);
  }
  EXPECT_EQ(t.wait("192.0.2.9", "admin", now), 1s);
  // Another source is slowed too for this account, another account from
  // this source too.
  EXPECT_EQ(t.wait("192.0.2.10", "admin", now), 1s);
  EXPECT_EQ(t.wait("192.0.2.9", "other", now), 1s);
  EXPECT_FALSE(t.wait("192.0.2.10", "other", now));
  now += 1s;
  t.failed("192.0.2.9", "admin", now);
  EXPECT_EQ(t.wait("192.0.2.9", "admin", now), 2s);
  for (int i = 0; i < 20; ++i)
    t.failed("192.0.2.9", "admin", now);
  EXPECT_EQ(t.wait("192.0.2.9", "admin", now), login_throttle::max_wait);
  // A quarter of an hour later it is forgotten.
  now += login_throttle::forget_after;
  EXPECT_FALSE(t.wait("192.0.2.9", "admin", now));
  // A success clears both.
  for (int i = 0; i < 7; ++i)
    t.failed("192.0.2.9", "admin", now);
  t.succeeded("192.0.2.9", "admin");
  EXPECT_FALSE(t.wait("192.0.2.9", "admin", now));
}

TEST(login_throttle, stays_bounded) {
  login_throttle t{100};
  auto now = login_throttle::clock::time_point{} + 1h;
  for (int i = 0; i < 1000; ++i)
    t.failed("198.51.100." + std::to_string(i), "u" + std::to_string(i),
             now + std::chrono::milliseconds{i});
  EXPECT_LE(t.size(), 100u);
}

TEST(session_table, tokens_expire_when_idle_or_old_and_can_end) {
  session_table s{3};
  auto now = session_table::clock::time_point{} + 1h;
  auto a = s.open("alice", now);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(s.use(a, now), "alice");
  EXPECT_FALSE(s.use("", now));
  EXPECT_FALSE(s.use(a.substr(1), now));
  // Used every 20 minutes it lives, but not beyond 12 hours.
  auto t = now;
  for (int i = 0; i < 35; ++i) {
    t += 20min;
    EXPECT_EQ(s.use(a, t), "alice") << i;
  }
  t += 20min;
  EXPECT_FALSE(s.use(a, t));
  auto b = s.open("bob", t);
  EXPECT_FALSE(s.use(b, t + session_table::idle_limit));
  auto c = s.open("carol", t);
  auto d = s.open("carol", t);
  s.close_all("carol");
  EXPECT_FALSE(s.use(c, t));
  EXPECT_FALSE(s.use(d, t));
  auto e = s.open("erin", t);
  s.close(e);
  EXPECT_FALSE(s.use(e, t));
  // Bounded: the least recently used goes.
  auto x1 = s.open("x", t);
  auto x2 = s.open("x", t + 1s);
  auto x3 = s.open("x", t + 2s);
  auto x4 = s.open("x", t + 3s);
  EXPECT_FALSE(s.use(x1, t + 4s));
  EXPECT_TRUE(s.use(x4, t + 4s));
  EXPECT_LE(s.size(), 3u);
  (void)x2;
  (void)x3;
}

TEST(admin_accounts, round_trip_and_garbage) {
  admin_account a{"admin", hash_password("a long enough one", fast),
                  "2026-12-06T00:00:00Z"};
  auto back = decode_admin(encode(a));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, "admin");
  EXPECT_EQ(back->hash, a.hash);
  EXPECT_EQ(admin_key("admin"), "admin/admin");
  for (auto bad : {"", "[]", R"({"name":"Bad Name","hash":"scrypt$1"})",
                   R"({"name":"admin","hash":"plain"})"})
    EXPECT_FALSE(decode_admin(bad)) << bad;
}
