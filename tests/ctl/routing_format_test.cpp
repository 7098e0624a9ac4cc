// What `rules show` and `rules test` print (issue 18).

#include <gtest/gtest.h>

#include "appliance/ctl/routing_commands.hpp"

namespace {

using namespace ivm::ctl;

TEST(routing_format, rules_are_numbered_with_conditions_and_action) {
  auto out = format_rules(
      R"({"rules":[{"name":"evenings","enabled":true,"when":{"days":["mon",)"
      R"("fri"],"time":"18:00-08:00"},"action":"forward","to":"mobile",)"
      R"("timeout":20},{"name":"","enabled":false,"when":{"presence":["dnd"]},)"
      R"("action":"offer","fallback":"voicemail","timeout":15}]})");
  EXPECT_EQ(out,
            "1  evenings: mon,fri 18:00-08:00 -> forward mobile\n"
            "2  when dnd -> offer (unanswered in 15 s: voicemail) [off]\n");
  EXPECT_EQ(format_rules(R"({"rules":[]})"),
            "(no rules: calls ring the user's phones)\n");
  EXPECT_EQ(format_rules("oops"), "oops\n");
}

TEST(routing_format, a_dry_run_says_what_and_why) {
  EXPECT_EQ(
      format_rule_test(
          R"({"action":"voicemail","rule":1,"rule_name":"nights",)"
          R"("local_time":"2026-12-07T23:30:00","time_zone":"Europe/Berlin"})"),
      "voicemail (rule 1 nights) at 2026-12-07T23:30:00 Europe/Berlin\n");
  EXPECT_EQ(format_rule_test(
                R"({"action":"ring","local_time":"T","time_zone":"UTC"})"),
            "ring (no rule) at T UTC\n");
}

} // namespace
