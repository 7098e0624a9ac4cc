#include "appliance/directory/trunks.hpp"

#include <gtest/gtest.h>

using namespace ivm::directory;

namespace {

std::vector<sip_trunk> two_pbxs() {
  sip_trunk a{"pbx1", {"192.0.2.20", 5060}, {"3", "30"}, {{"3001", "205"}}};
  sip_trunk b{"pbx2", {"192.0.2.30", 5070}, {"300", "4"}, {{"4711", "206"}}};
  return {a, b};
}

} // namespace

TEST(trunks, a_station_device_goes_to_its_pbx_before_any_prefix) {
  auto t = two_pbxs();
  t[1].devices["3001"] = "207"; // listed second: the first PBX has it
  EXPECT_EQ(route_number(t, "3001")->name, "pbx1");
  EXPECT_EQ(route_number(t, "4711")->name, "pbx2");
}

TEST(trunks, the_longest_prefix_wins) {
  auto t = two_pbxs();
  EXPECT_EQ(route_number(t, "3999")->name, "pbx1");
  EXPECT_EQ(route_number(t, "3099")->name, "pbx1");
  EXPECT_EQ(route_number(t, "3002")->name, "pbx2"); // "300" beats "30"
  EXPECT_EQ(route_number(t, "4")->name, "pbx2");
}

TEST(trunks, numbers_nobody_routes_and_non_numbers_go_nowhere) {
  auto t = two_pbxs();
  EXPECT_EQ(route_number(t, "5001"), nullptr);
  EXPECT_EQ(route_number(t, ""), nullptr);
  EXPECT_EQ(route_number(t, "3abc"), nullptr);
  EXPECT_EQ(route_number(t, "alice"), nullptr);
  EXPECT_EQ(route_number(t, "*3001"), nullptr);
  EXPECT_EQ(route_number(t, std::string(33, '3')), nullptr);
  EXPECT_EQ(route_number({}, "3001"), nullptr);
}

TEST(trunks, a_leading_plus_is_dialable) {
  EXPECT_TRUE(dialable("+4930123"));
  EXPECT_FALSE(dialable("+"));
  EXPECT_FALSE(dialable("30+1"));
  sip_trunk t{"pbx", {"192.0.2.1", 5060}, {}, {{"+4930123", "205"}}};
  EXPECT_EQ(route_number({t}, "+4930123")->name, "pbx");
}

TEST(trunks, requests_are_matched_to_a_trunk_by_source_host) {
  auto t = two_pbxs();
  EXPECT_EQ(trunk_at(t, "192.0.2.30")->name, "pbx2");
  EXPECT_EQ(trunk_at(t, "192.0.2.31"), nullptr);
  EXPECT_EQ(trunk_at(t, ""), nullptr);
}

TEST(trunks, prefixes_round_trip_and_bad_ones_are_named) {
  auto p = parse_prefixes("3,40,3");
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (std::vector<std::string>{"3", "40"})); // duplicates once
  EXPECT_EQ(encode_prefixes(*p), "3,40");
  EXPECT_TRUE(parse_prefixes("")->empty());
  EXPECT_FALSE(parse_prefixes("3,"));
  EXPECT_FALSE(parse_prefixes(",3"));
  EXPECT_FALSE(parse_prefixes("3a"));
  EXPECT_FALSE(parse_prefixes("1234567890123456"));
  auto bad = parse_prefixes("3,x");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("\"x\""), std::string::npos);
  std::string many;
  for (int i = 0; i < 33; ++i)
    many += (i ? "," : "") + std::to_string(100 + i);
  EXPECT_FALSE(parse_prefixes(many));
}
