// What `pbx list`, `pbx show` and `canned list` print (issue 17).

#include <gtest/gtest.h>

#include "appliance/ctl/canned_commands.hpp"
#include "appliance/ctl/legacy_commands.hpp"

namespace {

using namespace ivm::ctl;

const char* const one_pbx =
    R"({"name":"pbx1","address":"192.0.2.20:1040","edition":"ed4",)"
    R"("handshake":"none","tls":false,"created":"2026-12-07T16:00:00Z",)"
    R"("state":"up","since":"2026-12-07T16:00:01Z","devices":[{"device":)"
    R"("3001","extension":"205","activity":"ringing","hook":"off",)"
    R"("lamp":true}]})";

TEST(pbx_format, list_has_one_row_per_pbx) {
  auto out = format_pbx_list(std::string{R"({"pbx":[)"} + one_pbx + "]}");
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "NAME        ADDRESS                EDITION  STATE     "
            "SINCE                 PHONES");
  EXPECT_NE(out.find("pbx1        192.0.2.20:1040        ed4      up        "
                     "2026-12-07T16:00:01Z  1"),
            std::string::npos)
      << out;
  EXPECT_EQ(format_pbx_list(R"({"pbx":[]})"), "(no PBX)\n");
  EXPECT_EQ(format_pbx_list("not json"), "not json\n");
}

TEST(pbx_format, show_lists_the_phones) {
  auto out = format_pbx(one_pbx);
  EXPECT_NE(out.find("name: pbx1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("state: up\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  3001      205        ringing       off   on\n"),
            std::string::npos)
      << out;
  EXPECT_NE(format_pbx(R"({"name":"p","devices":[]})").find("(no phones)"),
            std::string::npos);
}

TEST(pbx_format, show_names_the_sip_trunk_and_its_prefixes) {
  auto out = format_pbx(
      R"({"name":"pbx1","trunk":"192.0.2.20:5060","trunk_prefixes":["3","40"],)"
      R"("devices":[]})");
  EXPECT_NE(out.find("trunk: 192.0.2.20:5060\n"), std::string::npos) << out;
  EXPECT_NE(out.find("trunk prefixes: 3, 40\n"), std::string::npos) << out;
  EXPECT_EQ(format_pbx(one_pbx).find("trunk"), std::string::npos);
}

TEST(canned_format, replies_are_numbered) {
  EXPECT_EQ(format_canned(R"({"replies":["Back at {time}","Busy"]})"),
            "1  Back at {time}\n2  Busy\n");
  EXPECT_EQ(format_canned(R"({"replies":[]})"), "(no stored replies)\n");
  EXPECT_EQ(format_canned(R"({"replies":["x"]})", 3), "3  x\n");
}

} // namespace
