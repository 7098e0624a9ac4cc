// appliance/monitor: alerts raised from successive samples, once per
// condition, re-armed when it clears.

#include <gtest/gtest.h>

#include "appliance/monitor/alerts.hpp"

using namespace ivm::monitor;

namespace {

sample at(double t) {
  sample s;
  s.t_s = t;
  return s;
}

} // namespace

TEST(alert_book, a_quiet_box_raises_nothing) {
  alert_book b;
  for (int i = 0; i < 10; ++i) {
    auto s = at(i * 2);
    s.registered = 40;
    s.disk_free = 0.5;
    EXPECT_TRUE(b.observe(s, "t").empty());
  }
  EXPECT_TRUE(b.all().empty());
}

TEST(alert_book, each_condition_once_until_it_clears) {
  alert_book b;
  auto s = at(0);
  s.disk_free = 0.05;
  auto raised = b.observe(s, "t0");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].kind, "disk");
  EXPECT_NE(raised[0].text.find("5 %"), std::string::npos) << raised[0].text;
  s.t_s = 2;
  s.disk_free = 0.12; // still held: cleared only above 15 %
  EXPECT_TRUE(b.observe(s, "t1").empty());
  s.t_s = 4;
  s.disk_free = 0.2;
  EXPECT_TRUE(b.observe(s, "t2").empty());
  s.t_s = 6;
  s.disk_free = 0.01;
  EXPECT_EQ(b.observe(s, "t3").size(), 1u);
  EXPECT_EQ(b.all().size(), 2u);
  s.storage_ok = false;
  s.t_s = 8;
  raised = b.observe(s, "t4");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].kind, "storage");
}

TEST(alert_book, rogue_dhcp_storms_and_bulk_deregistration) {
  alert_book b;
  auto s = at(0);
  s.registered = 100;
  s.metrics["ivm_dhcp_rogue_replies_total"] = 0;
  s.metrics["ivm_admin_sign_in_failures_total"] = 0;
  b.observe(s, "t0");
  s.t_s = 2;
  s.metrics["ivm_dhcp_rogue_replies_total"] = 3;
  auto r = b.observe(s, "t1");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, "rogue_dhcp");
  // 25 refused sign-ins spread over 40 s: a storm.
  for (int i = 1; i <= 20; ++i) {
    s.t_s = 2 + i * 2;
    s.metrics["ivm_admin_sign_in_failures_total"] = i * 1.25;
    auto raised = b.observe(s, "t");
    if (i < 16) {
      EXPECT_TRUE(raised.empty()) << i;
    } else if (i == 16) {
      ASSERT_EQ(raised.size(), 1u);
      EXPECT_EQ(raised[0].kind, "sign_in_storm");
    } else {
      EXPECT_TRUE(raised.empty()) << i; // once while it lasts
    }
  }
  // 100 -> 60 registered: bulk; 60 -> 58: not.
  s.t_s = 100;
  s.registered = 60;
  r = b.observe(s, "t");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, "deregistration");
  EXPECT_NE(r[0].text.find("40 phones"), std::string::npos) << r[0].text;
  s.t_s = 102;
  s.registered = 58;
  EXPECT_TRUE(b.observe(s, "t").empty());
  // Acknowledged alerts stay listed.
  auto id = b.all().front().id;
  EXPECT_TRUE(b.acknowledge(id));
  EXPECT_FALSE(b.acknowledge(9999));
  EXPECT_EQ(b.unacknowledged(), b.all().size() - 1);
}
