// appliance/megaco/display: the andisp display data blocks (H.248.23 with
// GR-30 / EN 300 659-3 MDMF messages) the box sends an analog phone behind an
// H.248 gateway, checked octet by octet and read back.

#include <gtest/gtest.h>

#include "appliance/megaco/display.hpp"
#include "appliance/megaco/text.hpp"

namespace megaco = ivm::megaco;

TEST(megaco_display, caller_id_is_an_mdmf_call_setup_with_its_checksum) {
  auto ddb = megaco::caller_id_block("12/07/09/30,202,\"Bob\"");
  // 80 len | 01 08 "12070930" | 02 03 "202" | 07 03 "Bob" | checksum
  std::string want = "8014"
                     "0108"
                     "3132303730393330"
                     "0203"
                     "323032"
                     "0703"
                     "426F62";
  ASSERT_EQ(ddb.substr(0, want.size()), want);
  ASSERT_EQ(ddb.size(), want.size() + 2);
  auto m = megaco::read_display_block(ddb);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, 0x80u);
  ASSERT_EQ(m->params.size(), 3u);
  EXPECT_EQ(m->params[0], (std::pair<unsigned, std::string>{1, "12070930"}));
  EXPECT_EQ(m->params[1], (std::pair<unsigned, std::string>{2, "202"}));
  EXPECT_EQ(m->params[2], (std::pair<unsigned, std::string>{7, "Bob"}));
}

TEST(megaco_display, odd_caller_ids) {
  // No name, a name with a comma, no time, nothing at all.
  auto m =
      megaco::read_display_block(megaco::caller_id_block("12/07/09/30,202,"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params.size(), 2u);
  m = megaco::read_display_block(
      megaco::caller_id_block("12/07/09/30,202,\"Doe, Jane\""));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params.back().second, "Doe, Jane");
  m = megaco::read_display_block(megaco::caller_id_block(",201,\"A\""));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params.front().first, 2u); // no date and time
  EXPECT_EQ(megaco::caller_id_block(""), "");
  EXPECT_EQ(megaco::caller_id_block("12/07/09/30,,"), "");
  // A long name is cut to what the format carries.
  m = megaco::read_display_block(
      megaco::caller_id_block("1,2,\"" + std::string(300, 'x') + "\""));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params.back().second.size(), 80u);
}

TEST(megaco_display, message_waiting_on_and_off) {
  EXPECT_EQ(megaco::message_waiting_block(true), "82030B01FF70");
  EXPECT_EQ(megaco::message_waiting_block(false), "82030B01006F");
}

TEST(megaco_display, a_published_block_reads_and_bad_ones_do_not) {
  // SDMF caller ID as an MGC sends it in andisp/dwa (a public example).
  auto m = megaco::read_display_block(
      "04133132313531363039333136333732313232323221");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, 4u);
  EXPECT_EQ(m->params.at(0).second, "1215160931637212222");
  for (auto bad : {"", "80", "8015", "82030B01FF71", "82040B01FF6F",
                   "82030B01FG70", "82030B01FF7"})
    EXPECT_FALSE(megaco::read_display_block(bad)) << bad;
}

TEST(megaco_display, signals_write_as_h248_text) {
  auto dwa = megaco::display_signal(true, "8003020132C8");
  auto data = megaco::display_signal(false, "82030B01FF70");
  EXPECT_EQ(dwa.name, "andisp/dwa");
  ASSERT_EQ(dwa.children.size(), 2u);
  EXPECT_EQ(dwa.children[0].name, "ddb");
  EXPECT_EQ(dwa.children[0].value, "8003020132C8");
  EXPECT_EQ(dwa.children[1].name, "pattern");
  EXPECT_EQ(data.name, "andisp/data");
  EXPECT_EQ(data.children.size(), 1u);
  EXPECT_TRUE(megaco::refuses_package(440));
  EXPECT_TRUE(megaco::refuses_package(452));
  EXPECT_FALSE(megaco::refuses_package(430));
  EXPECT_FALSE(megaco::refuses_package(200));
}
