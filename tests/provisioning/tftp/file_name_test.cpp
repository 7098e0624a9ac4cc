#include "provisioning/tftp/file_name.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ivm::provisioning::tftp {
namespace {

using namespace std::string_literals;

TEST(tftp_file_name, normalises_to_a_relative_name) {
  struct row {
    std::string raw;
    std::string normalized;
  };
  const row rows[] = {
      {"SEP001122AABBCC.cnf.xml", "SEP001122AABBCC.cnf.xml"},
      {"firmware/sip.ld", "firmware/sip.ld"},
      {"./000000000000.cfg", "000000000000.cfg"},
      {"a//b///c", "a/b/c"},
      {"a/./b", "a/b"},
      {"dir\\file.cfg", "dir/file.cfg"},
      {"...", "..."},
      {"..cfg", "..cfg"},
      {"a..b/c..", "a..b/c.."},
      {"caf\xC3\xA9.cfg", "caf\xC3\xA9.cfg"},
      {"with space.txt", "with space.txt"},
  };
  for (auto& r : rows) {
    auto n = normalize_file_name(r.raw);
    ASSERT_TRUE(n) << r.raw;
    EXPECT_EQ(*n, r.normalized) << r.raw;
  }
}

TEST(tftp_file_name, refuses_traversal_and_odd_names) {
  struct row {
    std::string raw;
    name_error error;
  };
  const row rows[] = {
      {"", name_error::empty},
      {".", name_error::empty},
      {"./", name_error::empty},
      {"/etc/passwd", name_error::absolute},
      {"//server/share", name_error::absolute},
      {"\\windows\\system.ini", name_error::absolute},
      {"C:\\boot.ini", name_error::absolute},
      {"c:boot.ini", name_error::absolute},
      {"..", name_error::parent_reference},
      {"../etc/passwd", name_error::parent_reference},
      {"a/../../etc/passwd", name_error::parent_reference},
      {"a/../b", name_error::parent_reference},
      {"..\\..\\etc\\passwd", name_error::parent_reference},
      {"a\\..\\b", name_error::parent_reference},
      {"a/..", name_error::parent_reference},
      {"a\0b"s, name_error::control_character},
      {"a\nb", name_error::control_character},
      {"\x1b[2Jx", name_error::control_character},
      {"a\x7f", name_error::control_character},
      {"dir/", name_error::directory},
      {"dir\\", name_error::directory},
      {"dir/.", name_error::directory},
      {std::string(max_file_name_length + 1, 'a'), name_error::too_long},
  };
  for (auto& r : rows) {
    auto n = normalize_file_name(r.raw);
    ASSERT_FALSE(n) << testing::PrintToString(r.raw);
    EXPECT_EQ(n.error(), r.error) << testing::PrintToString(r.raw);
    EXPECT_EQ(to_error_code(n.error()), error_code::access_violation);
    EXPECT_FALSE(to_string(n.error()).empty());
  }
}

TEST(tftp_file_name, lookup_key_ignores_ascii_case_only) {
  EXPECT_EQ(lookup_key("SEP001122AABBCC.cnf.XML"), "sep001122aabbcc.cnf.xml");
  EXPECT_EQ(lookup_key("sep001122aabbcc.CNF.xml"),
            lookup_key("SEP001122AABBCC.cnf.XML"));
  EXPECT_EQ(lookup_key("Dir/\xC3\x89"), "dir/\xC3\x89");
}

} // namespace
} // namespace ivm::provisioning::tftp
