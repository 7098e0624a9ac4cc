// to_watcherinfo: RFC 3858 §4 structure and attributes, parsed back.

#include <string>

#include <gtest/gtest.h>

#include "appliance/presence/namespaces.hpp"
#include "appliance/presence/watcherinfo.hpp"
#include "tests/presence/xml_check.hpp"

namespace pres = ivm::presence;
using pres::test::kid;
using pres::test::kids;

namespace {

const std::string wi{pres::ns::watcherinfo};

} // namespace

TEST(watcherinfo, rfc3858_document) {
  pres::watcher_list list;
  list.resource = "sip:professor@example.net";
  list.watchers.push_back({"8ajksjda7s", "sip:userA@example.net", "User A",
                           pres::watcher_status::active,
                           pres::watcher_event::approved, 509});
  list.watchers.push_back({"hh8juja87s997-ass7", "sip:userB@example.org", "",
                           pres::watcher_status::pending,
                           pres::watcher_event::subscribe, 0});
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_watcherinfo(7, true, {list}));
  EXPECT_EQ(pres::test::local_of(root), "watcherinfo");
  EXPECT_EQ(pres::test::ns_of(root), wi);
  EXPECT_STREQ(root.attribute("version").value(), "7");
  EXPECT_STREQ(root.attribute("state").value(), "full");
  auto wl = kid(root, wi, "watcher-list");
  EXPECT_STREQ(wl.attribute("resource").value(), "sip:professor@example.net");
  EXPECT_STREQ(wl.attribute("package").value(), "presence");
  auto ws = kids(wl, wi, "watcher");
  ASSERT_EQ(ws.size(), 2u);
  EXPECT_STREQ(ws[0].attribute("id").value(), "8ajksjda7s");
  EXPECT_STREQ(ws[0].attribute("status").value(), "active");
  EXPECT_STREQ(ws[0].attribute("event").value(), "approved");
  EXPECT_STREQ(ws[0].attribute("duration-subscribed").value(), "509");
  EXPECT_STREQ(ws[0].attribute("display-name").value(), "User A");
  EXPECT_STREQ(ws[0].text().get(), "sip:userA@example.net");
  EXPECT_STREQ(ws[1].attribute("status").value(), "pending");
  EXPECT_STREQ(ws[1].attribute("event").value(), "subscribe");
  EXPECT_TRUE(ws[1].attribute("display-name").empty());
}

TEST(watcherinfo, partial_and_empty_lists) {
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_watcherinfo(0, false, {}));
  EXPECT_STREQ(root.attribute("state").value(), "partial");
  EXPECT_STREQ(root.attribute("version").value(), "0");
  EXPECT_TRUE(kids(root, wi, "watcher-list").empty());
  pres::watcher_list list;
  list.resource = "sip:a@b";
  list.package = "dialog";
  root = pres::test::load(xml, pres::to_watcherinfo(4294967295u, true, {list}));
  EXPECT_STREQ(root.attribute("version").value(), "4294967295");
  EXPECT_STREQ(kid(root, wi, "watcher-list").attribute("package").value(),
               "dialog");
}

TEST(watcherinfo, every_status_and_event_word) {
  using s = pres::watcher_status;
  using e = pres::watcher_event;
  EXPECT_EQ(pres::to_string(s::waiting), "waiting");
  EXPECT_EQ(pres::to_string(s::terminated), "terminated");
  std::pair<e, const char*> events[] = {
      {e::subscribe, "subscribe"},     {e::approved, "approved"},
      {e::deactivated, "deactivated"}, {e::probation, "probation"},
      {e::rejected, "rejected"},       {e::timeout, "timeout"},
      {e::giveup, "giveup"},           {e::noresource, "noresource"},
  };
  for (auto [ev, word] : events)
    EXPECT_EQ(pres::to_string(ev), word);
}

TEST(watcherinfo, hostile_strings_are_escaped) {
  pres::watcher_list list;
  list.resource = "sip:a\"><x/>@b";
  list.watchers.push_back({"i\"d", "sip:<evil>&@x\x07", "Mallory \"M\" <m>",
                           pres::watcher_status::waiting,
                           pres::watcher_event::timeout, 1});
  pugi::xml_document xml;
  auto root = pres::test::load(xml, pres::to_watcherinfo(1, true, {list}));
  auto wl = kid(root, wi, "watcher-list");
  EXPECT_STREQ(wl.attribute("resource").value(), "sip:a\"><x/>@b");
  auto w = kid(wl, wi, "watcher");
  EXPECT_STREQ(w.attribute("id").value(), "i\"d");
  EXPECT_STREQ(w.attribute("display-name").value(), "Mallory \"M\" <m>");
  EXPECT_STREQ(w.text().get(), "sip:<evil>&@x");
}
