// appliance/csta terminal: the IM mode of a digital desk phone as its user
// sees it, key by key, on a 2x24 and a 4x40 display (docs/legacy.md).

#include <gtest/gtest.h>

#include "appliance/csta/terminal.hpp"

namespace csta = ivm::csta;
using kind = csta::terminal_action::kind;
using ms = std::chrono::milliseconds;

namespace {

struct phone {
  csta::im_terminal t;
  std::vector<std::string> display;
  std::vector<csta::terminal_action> actions;
  bool restored = false;
  ms clock{100000};

  explicit phone(unsigned rows = 2, unsigned cols = 24)
    : t({rows, cols}, {"12", "up", "down"}) {}

  void take(csta::terminal_output o) {
    if (!o.display.empty())
      display = o.display;
    restored = o.restore;
    for (auto& a : o.actions)
      actions.push_back(a);
  }
  // Presses keys one after another, 2 s apart (no multi-tap between them)
  // unless `fast`; the first after a pause.
  void keys(const std::string& seq, bool fast = false) {
    bool first = true;
    for (char c : seq) {
      clock += fast && !first ? ms{300} : ms{2000};
      first = false;
      take(t.press(std::string(1, c), clock));
    }
  }
  // The same or another key right after the last (within the multi-tap
  // window).
  void tap(const std::string& k) {
    clock += ms{300};
    take(t.press(k, clock));
  }
  void key(const std::string& k) {
    clock += ms{2000};
    take(t.press(k, clock));
  }
  std::string row(std::size_t i) const {
    return i < display.size() ? display[i] : "<none>";
  }
  csta::terminal_action last() const {
    return actions.empty() ? csta::terminal_action{} : actions.back();
  }
};

csta::im_entry from_bob(std::string text) {
  return {{}, "203", "Bob", std::move(text), 1800000000};
}

} // namespace

TEST(TerminalTest, OutsideImModeOnlyTheImKeyIsOurs) {
  phone p;
  p.keys("123#*");
  EXPECT_TRUE(p.display.empty());
  EXPECT_FALSE(p.t.active());
  p.key("12");
  EXPECT_TRUE(p.t.active());
  EXPECT_EQ(p.row(0), "IM");
  EXPECT_EQ(p.row(1), "1 Read 2 Write 3 Canned");
  p.key("12");
  EXPECT_TRUE(p.restored);
  EXPECT_FALSE(p.t.active());
}

TEST(TerminalTest, TheMenuScrollsByLineOnASmallDisplay) {
  phone p;
  p.key("12");
  p.key("#");
  EXPECT_EQ(p.row(1), "4 Status 5 Contacts");
  p.key("down");
  EXPECT_EQ(p.row(1), "6 Sign in 7 Sign out");
  p.key("#");
  EXPECT_EQ(p.row(1), "1 Read 2 Write 3 Canned");
  p.key("up");
  EXPECT_EQ(p.row(1), "6 Sign in 7 Sign out");
}

TEST(TerminalTest, ANewMessageIsAnnouncedAndReadWithTheImKey) {
  phone p;
  p.take(p.t.incoming(from_bob("Lunch at noon?")));
  EXPECT_EQ(p.row(0), "IM from Bob (203)");
  EXPECT_EQ(p.row(1), "Lunch at noon?");
  EXPECT_EQ(p.t.unread(), 1u);
  p.key("12");
  EXPECT_EQ(p.row(0).substr(0, 10), "Bob (203) ");
  EXPECT_NE(p.row(0).find("1/1"), std::string::npos);
  EXPECT_EQ(p.row(1), "Lunch at noon?");
  EXPECT_EQ(p.t.unread(), 0u);
  p.key("12");
  EXPECT_TRUE(p.restored);
}

TEST(TerminalTest, TwoNewMessagesAreCountedAndReadInOrder) {
  phone p;
  p.take(p.t.incoming(from_bob("first")));
  p.take(p.t.incoming({{}, "204", "", "second", 1800000060}));
  EXPECT_EQ(p.row(0), "2 IMs, last 204");
  EXPECT_EQ(p.row(1), "second");
  p.key("12");
  EXPECT_EQ(p.row(1), "first");
  p.key("#");
  EXPECT_EQ(p.row(1), "second");
  EXPECT_NE(p.row(0).find("2/2"), std::string::npos);
  EXPECT_EQ(p.t.unread(), 0u);
}

TEST(TerminalTest, ALongMessageScrollsInDisplayLines) {
  phone p;
  p.take(p.t.incoming(
      from_bob("The meeting moved to room 4 on the second floor at three")));
  p.key("12");
  EXPECT_EQ(p.row(1), "The meeting moved to");
  p.key("#");
  EXPECT_EQ(p.row(1), "room 4 on the second");
  p.key("#");
  EXPECT_EQ(p.row(1), "floor at three");
  p.key("up");
  EXPECT_EQ(p.row(1), "room 4 on the second");
}

TEST(TerminalTest, LeavingWithUnreadMessagesKeepsTheNotice) {
  phone p;
  p.key("12");
  p.take(p.t.incoming(from_bob("hi")));
  EXPECT_EQ(p.row(0), "IM 1 new"); // the menu counts it
  p.key("12");
  EXPECT_FALSE(p.restored);
  EXPECT_EQ(p.row(0), "IM from Bob (203)");
}

TEST(TerminalTest, MultiTapComposesAndHashSends) {
  phone p;
  p.key("12");
  p.key("2"); // Write
  ASSERT_EQ(p.last().what, kind::contacts);
  p.take(p.t.contacts({{"203", "Bob", "available"}, {"204", "Carol", ""}}));
  EXPECT_EQ(p.row(0), "Write to");
  EXPECT_EQ(p.row(1), "1 Number...");
  p.key("#");
  EXPECT_EQ(p.row(1), "2 Bob 203");
  p.key("2");
  EXPECT_EQ(p.row(0), "To Bob (# send):");
  // "hi": 4 4 (h), a pause, 4 4 4 (i).
  p.keys("44", true);
  EXPECT_EQ(p.row(1), "h_");
  p.keys("444", true);
  EXPECT_EQ(p.row(1), "hi_");
  p.key("*"); // drops the letter being picked
  EXPECT_EQ(p.row(1), "h_");
  p.keys("4444", true); // g h i 4
  EXPECT_EQ(p.row(1), "h4_");
  p.key("*");
  p.keys("0"); // space
  p.keys("2"); // a
  EXPECT_EQ(p.row(1), "h a_");
  p.key("#");
  ASSERT_EQ(p.last().what, kind::send);
  EXPECT_EQ(p.last().to, "203");
  EXPECT_EQ(p.last().text, "h a");
  EXPECT_EQ(p.row(0), "IM: one moment...");
  p.take(p.t.answer("Sent to Bob."));
  EXPECT_EQ(p.row(0), "Sent to Bob.");
  p.key("5");
  EXPECT_EQ(p.row(0), "IM");
}

TEST(TerminalTest, TheSameKeyCyclesThroughItsLettersAndDigit) {
  phone p;
  p.key("12");
  p.key("2");
  p.take(p.t.contacts({}));
  p.key("1"); // Number...
  EXPECT_EQ(p.row(0), "To number (# ok):");
  p.keys("205");
  EXPECT_EQ(p.row(1), "205_");
  p.key("#");
  EXPECT_EQ(p.row(0), "To 205 (# send):");
  p.keys("7777", true); // p q r s
  EXPECT_EQ(p.row(1), "s_");
  p.tap("7"); // 7
  EXPECT_EQ(p.row(1), "7_");
  p.tap("7"); // back to p
  EXPECT_EQ(p.row(1), "p_");
  p.key("#");
  EXPECT_EQ(p.last().to, "205");
  EXPECT_EQ(p.last().text, "p");
}

TEST(TerminalTest, ComposingShowsTheEndOfALongText) {
  phone p;
  p.key("12");
  p.key("2");
  p.take(p.t.contacts({{"203", "Bob", ""}}));
  p.key("2");
  for (int i = 0; i < 30; ++i)
    p.keys("2");
  EXPECT_EQ(p.row(1), std::string(23, 'a') + "_");
}

TEST(TerminalTest, StarLeavesComposingWhenEmptyAndNothingIsSent) {
  phone p;
  p.key("12");
  p.key("2");
  p.take(p.t.contacts({{"203", "Bob", ""}}));
  p.key("2");
  p.key("#"); // nothing typed: not sent
  EXPECT_EQ(p.actions.size(), 1u);
  p.key("*");
  EXPECT_EQ(p.row(0), "IM");
}

TEST(TerminalTest, ReplyToTheSender) {
  phone p;
  p.take(p.t.incoming(from_bob("ok?")));
  p.key("12");
  p.key("1");
  EXPECT_EQ(p.row(0), "To Bob (# send):");
  p.keys("666", true); // o
  p.keys("55", true);  // k
  p.key("#");
  EXPECT_EQ(p.last().to, "203");
  EXPECT_EQ(p.last().text, "ok");
}

TEST(TerminalTest, ACannedReplyIsSentWithOneKey) {
  phone p;
  p.take(p.t.incoming(from_bob("call me")));
  p.key("12");
  p.key("2");
  ASSERT_EQ(p.last().what, kind::canned);
  EXPECT_EQ(p.last().to, "203");
  p.take(p.t.canned({"In a meeting until 15:00", "Call you back, Ann"}));
  EXPECT_EQ(p.row(0), "Canned");
  EXPECT_EQ(p.row(1), "1 In a meeting until 15:");
  p.key("2");
  ASSERT_EQ(p.last().what, kind::send);
  EXPECT_EQ(p.last().to, "203");
  EXPECT_EQ(p.last().text, "Call you back, Ann");
}

TEST(TerminalTest, ThePartyOfTheCallIsMarkedInTheRecipients) {
  phone p(4, 40);
  p.key("12");
  p.key("2");
  p.take(p.t.contacts({{"202", "", "in call"}, {"203", "Bob", ""}}));
  EXPECT_EQ(p.row(1), "1 Number...");
  EXPECT_EQ(p.row(2), "2 202 in call");
  EXPECT_EQ(p.row(3), "3 Bob 203");
}

TEST(TerminalTest, ACannedMessageFromTheMenuAsksForTheRecipient) {
  phone p;
  p.key("12");
  p.key("3");
  ASSERT_EQ(p.last().what, kind::canned);
  EXPECT_EQ(p.last().to, "");
  p.take(p.t.canned({"Back in 5 minutes"}));
  p.key("1");
  ASSERT_EQ(p.last().what, kind::contacts);
  p.take(p.t.contacts({{"203", "Bob", ""}}));
  EXPECT_EQ(p.row(0), "Send to");
  p.key("2");
  EXPECT_EQ(p.last().what, kind::send);
  EXPECT_EQ(p.last().to, "203");
  EXPECT_EQ(p.last().text, "Back in 5 minutes");
}

TEST(TerminalTest, StatusSignInAndOutAreCommands) {
  phone p;
  p.key("12");
  p.key("4");
  EXPECT_EQ(p.row(0), "Status");
  p.key("#");
  p.key("#");
  EXPECT_EQ(p.row(1), "3 Busy");
  p.key("2");
  EXPECT_EQ(p.last().what, kind::command);
  EXPECT_EQ(p.last().text, "status away");
  p.take(p.t.answer("Your status is now away."));
  p.key("*");
  p.key("7");
  EXPECT_EQ(p.last().text, "signout");
  p.take(p.t.answer("You are signed out."));
  p.key("#");
  p.key("6");
  EXPECT_EQ(p.last().text, "signin");
}

TEST(TerminalTest, ContactsShowTheirStatus) {
  phone p(4, 40);
  p.key("12");
  EXPECT_EQ(p.row(1), "1 Read 2 Write 3 Canned 4 Status");
  p.key("5");
  p.take(p.t.contacts({{"203", "Bob", "away"}, {"204", "", ""}}));
  EXPECT_EQ(p.row(0), "Contacts");
  EXPECT_EQ(p.row(1), "1 Bob away");
  EXPECT_EQ(p.row(2), "2 204 ?");
  p.key("1"); // write to Bob
  EXPECT_EQ(p.row(0), "To Bob (# send):");
}

TEST(TerminalTest, AContactRequestIsAnsweredWithKeys) {
  phone p;
  p.take(p.t.incoming({{},
                       "",
                       "",
                       "Bob (203) wants to see your presence: reply ACCEPT "
                       "203 or DECLINE 203",
                       1800000000}));
  EXPECT_EQ(p.row(0), "IM from IVM");
  p.key("12");
  p.key("1");
  EXPECT_EQ(p.last().what, kind::command);
  EXPECT_EQ(p.last().text, "accept 203");
}

TEST(TerminalTest, KeysTypedAheadCountOnceTheAnswerIsShown) {
  phone p;
  p.key("12");
  p.keys("21202#"); // Write, Number..., 202, ok: before the contacts came
  EXPECT_EQ(p.row(0), "IM: one moment...");
  p.take(p.t.contacts({{"203", "Bob", ""}}));
  EXPECT_EQ(p.row(0), "To 202 (# send):");
  p.keys("*"); // nothing typed: back to the menu
  EXPECT_EQ(p.row(0), "IM");
  // Answers nobody waits for change nothing.
  EXPECT_TRUE(p.t.contacts({{"203", "Bob", ""}}).display.empty());
  EXPECT_TRUE(p.t.answer("late").display.empty());
  // The IM key leaves at once, forgetting what was typed ahead.
  p.key("2");
  p.keys("1");
  p.key("12");
  EXPECT_TRUE(p.restored);
  EXPECT_TRUE(p.t.contacts({}).display.empty());
}

TEST(TerminalTest, AMessageDeliveredAgainIsShownOnce) {
  phone p;
  p.take(p.t.incoming({"m1", "203", "Bob", "hi", 1800000000}));
  EXPECT_TRUE(
      p.t.incoming({"m1", "203", "Bob", "hi", 1800000000}).display.empty());
  EXPECT_EQ(p.t.unread(), 1u);
}

TEST(TerminalTest, TheInboxKeepsTheLastTwenty) {
  phone p;
  for (int i = 0; i < 25; ++i)
    p.take(p.t.incoming(from_bob("m" + std::to_string(i))));
  EXPECT_EQ(p.t.unread(), 20u);
  p.key("12");
  EXPECT_EQ(p.row(1), "m5");
}

TEST(TerminalTest, WrapBreaksAtSpacesAndCutsLongWords) {
  auto w = csta::wrap("aaaa bbbbbbbbbb cc\ndd", 6);
  std::vector<std::string> want{"aaaa", "bbbbbb", "bbbb", "cc", "dd"};
  EXPECT_EQ(w, want);
  EXPECT_EQ(csta::wrap("", 6), std::vector<std::string>{""});
}

TEST(TerminalTest, GarbageKeysChangeNothing) {
  phone p;
  p.key("12");
  auto before = p.display;
  for (auto k : {"", "x", "99", "\xff", "**"})
    p.take(p.t.press(k, p.clock));
  EXPECT_EQ(p.display, before);
}
