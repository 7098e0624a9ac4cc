#include <gtest/gtest.h>

#include "provisioning/mac_address.hpp"

using ivm::provisioning::mac_address;

TEST(mac_address, parses_the_usual_spellings) {
  for (auto text : {"00:11:22:aa:bb:cc", "00-11-22-AA-BB-CC", "0011.22aa.bbcc",
                    "001122AABBCC"}) {
    auto mac = mac_address::parse(text);
    ASSERT_TRUE(mac) << text;
    EXPECT_EQ(mac->to_string(), "00:11:22:aa:bb:cc") << text;
    EXPECT_EQ(mac->to_compact_upper(), "001122AABBCC") << text;
  }
}

TEST(mac_address, rejects_everything_else) {
  for (auto text :
       {"", "00:11:22:aa:bb", "00:11:22:aa:bb:cc:dd", "00:11-22:aa:bb:cc",
        "0:011:22:aa:bb:cc", "00112.2aabbcc", "00:11:22:aa:bb:cg",
        "001122AABBC", "zz", "00 11 22 aa bb cc"})
    EXPECT_FALSE(mac_address::parse(text)) << text;
}
