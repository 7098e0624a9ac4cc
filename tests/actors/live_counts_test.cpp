// The monitoring's live numbers: levels held while something is open, and
// the users' queues summed with their oldest message.

#include "actors/client/queue_tally.hpp"
#include "appliance/common/metrics.hpp"

#include <gtest/gtest.h>

namespace ivm {
namespace {

TEST(live_counts, a_level_is_shared_by_name_and_held_while_alive) {
  metrics::registry reg;
  auto& a = reg.make_level("ivm_x_active", "x");
  auto& b = reg.make_level("ivm_x_active", "x");
  EXPECT_EQ(&a, &b);
  {
    metrics::level_hold one{a};
    metrics::level_hold two{b};
    EXPECT_EQ(a.value(), 2);
    metrics::level_hold moved{std::move(two)};
    EXPECT_EQ(a.value(), 2);
    one.reset();
    one.reset();
    EXPECT_EQ(a.value(), 1);
  }
  EXPECT_EQ(a.value(), 0);
  std::string out;
  reg.render(out);
  EXPECT_NE(out.find("# TYPE ivm_x_active gauge\nivm_x_active 0\n"),
            std::string::npos);
  // A gauge registered twice keeps its first function.
  reg.make_gauge("ivm_g", "g", [] { return 1.0; });
  reg.make_gauge("ivm_g", "g", [] { return 2.0; });
  auto snap = reg.snapshot();
  int seen = 0;
  for (auto& [name, value] : snap)
    if (name == "ivm_g") {
      ++seen;
      EXPECT_EQ(value, 1.0);
    }
  EXPECT_EQ(seen, 1);
}

TEST(live_counts, queues_sum_and_the_oldest_is_the_minimum) {
  actors::queue_tally t;
  EXPECT_EQ(t.waiting(), 0u);
  EXPECT_EQ(t.oldest_s(), 0u);
  t.set("201", 3, 1000);
  t.set("202", 1, 900);
  EXPECT_EQ(t.waiting(), 4u);
  EXPECT_EQ(t.oldest_s(), 900u);
  t.set("202", 0, 0); // delivered
  EXPECT_EQ(t.waiting(), 3u);
  EXPECT_EQ(t.oldest_s(), 1000u);
  t.set("201", 2, 1100); // the head went, the next one is younger
  EXPECT_EQ(t.waiting(), 2u);
  EXPECT_EQ(t.oldest_s(), 1100u);
  t.set("203", 0, 0); // never had any
  t.set("201", 0, 0);
  EXPECT_EQ(t.waiting(), 0u);
  EXPECT_EQ(t.oldest_s(), 0u);
}

} // namespace
} // namespace ivm
