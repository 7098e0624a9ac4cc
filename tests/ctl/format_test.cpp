// What `user list`, `user show`, `group list` and `group show` print.

#include <gtest/gtest.h>

#include "appliance/ctl/format.hpp"
#include "console/client/group.hpp"
#include "console/client/user.hpp"

namespace {

using namespace ivm::ctl;

TEST(format, user_table_aligns_columns) {
  std::vector<ivm::admin::user> users{
      {"201", "201", "Alice", true, "2026-11-22T00:00:00Z"},
      {"2020", "bob", "Bob Builder", false, ""},
  };
  EXPECT_EQ(format_users(users), "EXT   USERNAME  NAME         ENABLED\n"
                                 "201   201       Alice        yes\n"
                                 "2020  bob       Bob Builder  no\n");
}

TEST(format, empty_user_table_has_its_header) {
  EXPECT_EQ(format_users({}), "EXT  USERNAME  NAME  ENABLED\n");
}

TEST(format, table_counts_utf8_code_points_not_bytes) {
  EXPECT_EQ(format_table({{"NAME", "X"}, {"Zo\xc3\xab", "1"}}),
            "NAME  X\n"
            "Zo\xc3\xab   1\n");
}

TEST(format, user_details) {
  EXPECT_EQ(
      format_user({"201", "alice", "Alice", true, "2026-11-22T00:00:00Z"}),
      "extension: 201\n"
      "username:  alice\n"
      "name:      Alice\n"
      "enabled:   yes\n"
      "created:   2026-11-22T00:00:00Z\n");
}

TEST(format, group_table_and_details) {
  std::vector<ivm::admin::group> groups{{"sales", "600", {"201", "202"}},
                                        {"support", "", {}}};
  EXPECT_EQ(format_groups(groups), "NAME     EXT  MEMBERS\n"
                                   "sales    600  201,202\n"
                                   "support  -\n");
  EXPECT_EQ(format_group(groups[0]), "name:      sales\n"
                                     "extension: 600\n"
                                     "members:   201,202\n");
}

TEST(format, member_lists_are_split_and_trimmed) {
  using list = std::vector<std::string>;
  EXPECT_EQ(split_list("201,202"), (list{"201", "202"}));
  EXPECT_EQ(split_list(" 201 , ,202,"), (list{"201", "202"}));
  EXPECT_EQ(split_list(""), list{});
  EXPECT_EQ(join_list({"201", "202"}), "201,202");
}

} // namespace
