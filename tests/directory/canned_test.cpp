// appliance/directory canned replies: the admin's lists checked, stored and
// read back, and fields filled as a user sees them.

#include <gtest/gtest.h>

#include "appliance/directory/canned.hpp"

namespace d = ivm::directory;

TEST(CannedTest, AListIsCheckedAndStored) {
  auto r = d::parse_canned_json(
      R"({"replies":["In a meeting until {time}","Call me, {my_name}"]})");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(d::decode_canned(d::encode_canned(*r)), *r);
  EXPECT_EQ(
      d::canned_json(*r),
      R"({"replies":["In a meeting until {time}","Call me, {my_name}"]})");
  EXPECT_TRUE(d::decode_canned("").empty());
}

TEST(CannedTest, BadListsAreRefusedWithAReason) {
  for (auto bad : {"", "[]", "{}", R"({"replies":"x"})", R"({"replies":[1]})",
                   R"({"replies":[""]})", R"({"replies":["a\nb"]})",
                   R"({"replies":["a\u0000b"]})"}) {
    auto r = d::parse_canned_json(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_FALSE(r.error().empty());
    }
  }
  std::string many = R"({"replies":[)";
  for (int i = 0; i < 21; ++i)
    many += std::string{i ? "," : ""} + "\"x\"";
  EXPECT_FALSE(d::parse_canned_json(many + "]}"));
  EXPECT_FALSE(d::parse_canned_json(R"({"replies":[")" + std::string(201, 'x') +
                                    "\"]}"));
}

TEST(CannedTest, FieldsAreFilledAndUnknownOnesKept) {
  std::map<std::string, std::string> f{{"caller", "Bob (203)"},
                                       {"my_name", "Ann"}};
  EXPECT_EQ(d::fill_fields("Hi {caller}, {my_name} here {unknown} {", f),
            "Hi Bob (203), Ann here {unknown} {");
  EXPECT_EQ(d::fill_fields("{caller}{caller}", f), "Bob (203)Bob (203)");
  EXPECT_EQ(d::fill_fields("", f), "");
}

TEST(CannedTest, StandardFieldsHaveTimeAndDate) {
  auto f = d::standard_fields("Ann", "202", 1800000000);
  EXPECT_EQ(f["my_name"], "Ann");
  EXPECT_EQ(f["my_extension"], "202");
  EXPECT_EQ(f["time"].size(), 5u);
  EXPECT_EQ(f["date"].size(), 10u);
  EXPECT_EQ(f["date"].substr(0, 4), "2027");
}
