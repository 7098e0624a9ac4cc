// parse_command: the text commands users send by MESSAGE to the box's
// service address (docs/protocols/presence-documents.md, "Text commands").

#include <string>

#include <gtest/gtest.h>

#include "appliance/presence/command.hpp"

namespace pres = ivm::presence;
using pres::user_status;

TEST(command, status_words) {
  struct {
    const char* text;
    user_status status;
    const char* note;
  } cases[] = {
      {"status available", user_status::available, ""},
      {"status away", user_status::away, ""},
      {"status busy", user_status::busy, ""},
      {"status dnd", user_status::dnd, ""},
      {"  STATUS Away  ", user_status::away, ""},
      {"Status DND\r\n", user_status::dnd, ""},
      {"status away lunch until 2", user_status::away, "lunch until 2"},
      {"status\tbusy \t In a Meeting  ", user_status::busy, "In a Meeting"},
      {"status away caf\xC3\xA9 \x01"
       "break",
       user_status::away, "caf\xC3\xA9 break"},
  };
  for (const auto& c : cases) {
    auto cmd = pres::parse_command(c.text);
    auto* st = std::get_if<pres::set_status_command>(&cmd);
    ASSERT_NE(st, nullptr) << c.text;
    EXPECT_EQ(st->status, c.status) << c.text;
    EXPECT_EQ(st->note, c.note) << c.text;
  }
}

TEST(command, long_note_is_cut_on_a_character_boundary) {
  std::string text = "status away ";
  for (int i = 0; i < 150; ++i)
    text += "\xC3\xA9"; // 300 bytes of 'é'
  auto cmd = pres::parse_command(text);
  auto* st = std::get_if<pres::set_status_command>(&cmd);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->note.size(), pres::max_note_size);
  EXPECT_EQ(st->note.substr(0, 2), "\xC3\xA9");
}

TEST(command, sign_in_and_out) {
  EXPECT_TRUE(std::holds_alternative<pres::sign_out_command>(
      pres::parse_command("signout")));
  EXPECT_TRUE(std::holds_alternative<pres::sign_out_command>(
      pres::parse_command(" SignOut\n")));
  EXPECT_TRUE(std::holds_alternative<pres::sign_in_command>(
      pres::parse_command("SIGNIN")));
}

TEST(command, accept_and_decline) {
  auto cmd = pres::parse_command("accept 2041");
  ASSERT_TRUE(std::holds_alternative<pres::accept_command>(cmd));
  EXPECT_EQ(std::get<pres::accept_command>(cmd).extension, "2041");
  cmd = pres::parse_command("  Decline   bob.smith ");
  ASSERT_TRUE(std::holds_alternative<pres::decline_command>(cmd));
  EXPECT_EQ(std::get<pres::decline_command>(cmd).extension, "bob.smith");
}

TEST(command, help) {
  for (const char* text : {"help", "HELP", " Help me ", "?"}) {
    auto cmd = pres::parse_command(text);
    ASSERT_TRUE(std::holds_alternative<pres::help_command>(cmd)) << text;
    const auto& help = std::get<pres::help_command>(cmd).text;
    EXPECT_EQ(help, pres::command_help());
    for (const char* word :
         {"status", "signout", "signin", "accept", "decline", "help"})
      EXPECT_NE(help.find(word), std::string::npos) << word;
  }
}

TEST(command, junk_gets_a_short_help) {
  const char* junk[] = {
      "",
      "   ",
      "hello",
      "status",
      "status happy",
      "status availablex",
      "statusaway",
      "signout now",
      "signin please",
      "accept",
      "accept 2041 2042",
      "accept <script>",
      "decline 123456789012345678901234567890123",
      "\x01\x02\xff",
      "stat\xC3\xBCs away",
  };
  for (const char* text : junk) {
    auto cmd = pres::parse_command(text);
    auto* unknown = std::get_if<pres::unknown_command>(&cmd);
    ASSERT_NE(unknown, nullptr) << text;
    EXPECT_NE(unknown->help.find("status available|away|busy|dnd"),
              std::string::npos);
    EXPECT_LT(unknown->help.size(), 160u);
  }
}

TEST(command, embedded_nul_is_not_a_command) {
  auto cmd = pres::parse_command(std::string_view{"signout\0x", 9});
  EXPECT_TRUE(std::holds_alternative<pres::unknown_command>(cmd));
}
