// Digit maps (RFC 3435 §2.1.5) and the matcher.

#include <gtest/gtest.h>

#include "appliance/mgcp/digit_map.hpp"

namespace mgcp = ivm::mgcp;
using result = mgcp::digit_map::result;

namespace {

mgcp::digit_map map_of(const char* text) {
  auto m = mgcp::digit_map::parse(text);
  EXPECT_TRUE(m) << text << ": " << (m ? "" : m.error());
  return m ? *m : mgcp::digit_map{};
}

} // namespace

TEST(MgcpDigitMap, RfcExample) {
  // RFC 3435 §2.1.5's example map.
  auto m =
      map_of("(0T|00T|[1-7]xxx|8xxxxxxx|#xxxxxxx|*xx|91xxxxxxxxxx|9011x.T)");
  EXPECT_EQ(m.patterns().size(), 8u);
  EXPECT_EQ(m.match(""), result::partial);
  EXPECT_EQ(m.match("0"), result::partial); // 0T or 00T: wait
  EXPECT_EQ(m.match("0T"), result::full);   // the operator
  EXPECT_EQ(m.match("00"), result::partial);
  EXPECT_EQ(m.match("00T"), result::full);
  EXPECT_EQ(m.match("2"), result::partial);
  EXPECT_EQ(m.match("234"), result::partial);
  EXPECT_EQ(m.match("2345"), result::full); // a local extension
  EXPECT_EQ(m.match("23456"), result::no_match);
  EXPECT_EQ(m.match("*12"), result::full);
  EXPECT_EQ(m.match("*1#"), result::no_match);
  EXPECT_EQ(m.match("912018294266"), result::full);
  EXPECT_EQ(m.match("9011"), result::partial);
  EXPECT_EQ(m.match("90113"), result::partial); // x. then T
  EXPECT_EQ(m.match("901133144"), result::partial);
  EXPECT_EQ(m.match("901133144T"), result::full);
  EXPECT_EQ(m.match("9T"), result::no_match);
  EXPECT_EQ(m.match("A"), result::no_match);
}

TEST(MgcpDigitMap, FullButLongerWaitsForTheTimer) {
  auto m = map_of("(xx|xxx|*8)");
  EXPECT_EQ(m.match("20"), result::full_but_longer);
  EXPECT_EQ(m.match("205"), result::full);
  EXPECT_EQ(m.match("*8"), result::full);
  EXPECT_EQ(m.match("*9"), result::no_match);
  // "x." matches any number of digits, none included.
  auto any = map_of("*9x.T");
  EXPECT_EQ(any.match("*9"), result::partial);
  EXPECT_EQ(any.match("*9T"), result::full);
  EXPECT_EQ(any.match("*9202203T"), result::full);
}

TEST(MgcpDigitMap, RangesLettersAndCase) {
  auto m = map_of("( [2-4#]x | A | *[x*]X )");
  EXPECT_EQ(m.match("3"), result::partial);
  EXPECT_EQ(m.match("#0"), result::full);
  EXPECT_EQ(m.match("50"), result::no_match);
  EXPECT_EQ(m.match("a"), result::full); // letters in any case
  EXPECT_EQ(m.match("**5"), result::full);
  EXPECT_EQ(m.to_string(), "([234#]x|A|*[0123456789*]x)");
  auto again = mgcp::digit_map::parse(m.to_string());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->to_string(), m.to_string());
}

TEST(MgcpDigitMap, BadMapsAreRefused) {
  for (auto bad : {"", "()", "(1||2)", "(|1)", "(1|)", ".1", "1..", "[", "[]",
                   "[9-1]", "[1-#]", "12Z", "(x)(y)"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(mgcp::digit_map::parse(bad));
  }
  std::string huge(200, 'x');
  EXPECT_FALSE(mgcp::digit_map::parse(huge));
}
