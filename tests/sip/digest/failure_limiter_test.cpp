#include "appliance/sip/digest/failure_limiter.hpp"

#include <gtest/gtest.h>

namespace ivm::sip::digest {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::system_clock;

const clock::time_point t0 = clock::time_point{1700000000s};

failure_limiter make_limiter(std::size_t max_sources = 100) {
  return failure_limiter{failure_limiter_config{5, 60s, 300s, max_sources}};
}

// RFC 3261 §26.3.2.4 (denial of service) and RFC 7616 §5.1/§5.4 (online
// guessing): repeated failures from one source get that source banned.
TEST(digest_failure_limiter, bans_after_max_failures_and_lifts_after_ban) {
  auto limiter = make_limiter();
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(limiter.failed("192.0.2.1", t0 + std::chrono::seconds{i}));
    EXPECT_FALSE(limiter.blocked("192.0.2.1", t0 + std::chrono::seconds{i}));
  }
  EXPECT_TRUE(limiter.failed("192.0.2.1", t0 + 10s)); // 5th: ban starts
  EXPECT_TRUE(limiter.blocked("192.0.2.1", t0 + 10s));
  EXPECT_FALSE(limiter.blocked("192.0.2.2", t0 + 10s));
  EXPECT_FALSE(limiter.failed("192.0.2.1", t0 + 20s)); // logged only once
  EXPECT_TRUE(limiter.blocked("192.0.2.1", t0 + 309s));
  EXPECT_FALSE(limiter.blocked("192.0.2.1", t0 + 310s)); // ban lifted
  // A new window starts from scratch.
  EXPECT_FALSE(limiter.failed("192.0.2.1", t0 + 311s));
  EXPECT_FALSE(limiter.blocked("192.0.2.1", t0 + 311s));
}

// Failures spread wider than the window never add up to a ban.
TEST(digest_failure_limiter, failures_outside_the_window_do_not_ban) {
  auto limiter = make_limiter();
  for (int i = 0; i < 20; ++i)
    EXPECT_FALSE(limiter.failed("198.51.100.7", t0 + i * 20s));
  EXPECT_FALSE(limiter.blocked("198.51.100.7", t0 + 400s));
}

// A good login forgets earlier failures.
TEST(digest_failure_limiter, success_resets_failures) {
  auto limiter = make_limiter();
  for (int i = 0; i < 4; ++i)
    limiter.failed("alice", t0);
  limiter.succeeded("alice");
  EXPECT_EQ(limiter.size(), 0u);
  for (int i = 0; i < 4; ++i)
    EXPECT_FALSE(limiter.failed("alice", t0 + 1s));
  EXPECT_FALSE(limiter.blocked("alice", t0 + 1s));
  EXPECT_TRUE(limiter.failed("alice", t0 + 2s));
  limiter.succeeded("alice"); // does not lift an active ban
  EXPECT_TRUE(limiter.blocked("alice", t0 + 3s));
}

// Bounded memory: beyond max_sources the least recently failed is dropped.
TEST(digest_failure_limiter, memory_is_bounded) {
  auto limiter = make_limiter(3);
  for (int i = 0; i < 4; ++i)
    limiter.failed("a", t0);
  limiter.failed("b", t0);
  limiter.failed("c", t0);
  limiter.failed("a", t0 + 1s); // "a" becomes the most recent: bans
  EXPECT_TRUE(limiter.blocked("a", t0 + 1s));
  limiter.failed("d", t0 + 2s); // evicts "b"
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_TRUE(limiter.blocked("a", t0 + 2s));
  for (int i = 0; i < 1000; ++i)
    limiter.failed("x" + std::to_string(i), t0 + 3s);
  EXPECT_EQ(limiter.size(), 3u);
}

} // namespace
} // namespace ivm::sip::digest
