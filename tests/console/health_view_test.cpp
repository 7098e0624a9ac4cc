#include <gtest/gtest.h>

#include "console/model/health_view.hpp"

using namespace ivm::console;

TEST(health_view, healthy_box) {
  auto v = make_health_view(
      200,
      R"({"status":"ok","version":"0.1.0","uptime_s":93784,"storage":"ok"})");
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.uptime_s, 93784u);
  EXPECT_EQ(v.summary, "ok · v0.1.0 · up 1d 02:03:04");
}

TEST(health_view, degraded_box) {
  auto v = make_health_view(
      503,
      R"({"status":"degraded","version":"0.1.0","uptime_s":5,"storage":"error"})");
  EXPECT_TRUE(v.reachable);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.summary, "degraded (storage: error) · v0.1.0 · up 00:00:05");
}

TEST(health_view, garbage_and_unreachable) {
  EXPECT_FALSE(make_health_view(200, "<html>").ok);
  EXPECT_EQ(make_health_view(0, "").summary, "appliance not reachable");
  // A wrongly typed field is ignored, not trusted.
  auto v = make_health_view(200, R"({"status":"ok","uptime_s":"x"})");
  EXPECT_TRUE(v.ok);
  EXPECT_EQ(v.uptime_s, 0u);
}
